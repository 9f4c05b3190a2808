// Types shared by the node (index.d.ts) and browser (web.d.ts) entry points.
// Report, Check, Diagnostic and the other result shapes are exactly the JSON
// the engine writes (`netspec eval --format json`, grammar/README.md §11), so
// their field names are snake_case. They are generated from the engine's Rust
// types into generated.d.ts (build.sh: `cargo run -q -p netspec-wasm
// --example typescript`) and re-exported here; this file declares the rest:
// the JavaScript API (options, errors, the Spec class) and a few names for
// parts of the shapes.

import type {
  Diagnostic,
  DiagnosticCode,
  FailureKind,
  DeclaredEvidence,
  Question,
  Report,
  Respondent,
  Section,
  Summary,
  TestRun,
} from './generated';

export type {
  Area,
  AreaCoverage,
  AreaSummary,
  Basis,
  Check,
  ChecklistAnswer,
  CodeInfo,
  Counts,
  Coverage,
  DeclaredEvidence,
  Diagnostic,
  DiagnosticCode,
  EvidenceStatus,
  GivenEvidence,
  Level,
  Location,
  Mismatch,
  MissingInput,
  Organisation,
  Outcome,
  Period,
  Question,
  QuestionRelation,
  Rating,
  Related,
  Report,
  RequirementCoverage,
  RequirementResult,
  Respondent,
  Section,
  Severity,
  SignOff,
  SpecSummary,
  SubmissionHeader,
  Summary,
  TestResult,
  TestRun,
  ToPass,
} from './generated';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** One item of evidence a requirement asks for (`DeclaredEvidence`). */
export type EvidenceDeclared = DeclaredEvidence;

/**
 * Compliance in percent: met ÷ (met + not met) × 100, not applicable left
 * out and incomplete reported beside it (in `counts`), rounded half away
 * from zero to 2 decimals from the exact ratio (e.g. 20.59); null when
 * met + not met is 0.
 */
export type Compliance = Summary['compliance'];

/** What a question asks for: its `type`. */
export type QuestionType = Question['type'];

/**
 * A diagnostic carried by a {@link NetspecError}: the engine's form plus flat
 * position fields. `file`/`line`/`column`/`endLine`/`endColumn`/`span` come from
 * `location`; for a submission that is not JSON (NS0207) `line`/`column` give
 * the position in the submission text.
 */
export interface ErrorDiagnostic extends Diagnostic {
  notes: string[];
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Byte offsets in `file`. */
  span?: { start: number; end: number };
}

/**
 * What went wrong: the spec, the submission (or evaluation options), the call
 * itself (the engine's `FailureKind`), or the engine (`internal`).
 */
export type ErrorKind = FailureKind | 'internal';

/**
 * Text given as a string, or as bytes (a `Uint8Array`, another typed array,
 * a `DataView` or an `ArrayBuffer`, such as a file's contents) that the
 * engine reads as UTF-8, as the CLI reads a file: bytes that are not UTF-8
 * are an NS0309 error naming the first bad byte.
 */
export type SourceText = string | ArrayBufferView | ArrayBuffer;

export interface CompileOptions {
  /** The spec's file name, used in diagnostics and to resolve `use` paths (default `spec.netspec`). */
  name?: string;
  /** Every other file the spec needs, by name relative to the spec's folder: `use`d specs and the `given file` submissions of its tests. */
  files?: Record<string, SourceText> | Map<string, SourceText>;
  /**
   * Whether to read and check the spec's tests (default true, as the CLI's
   * `netspec check`). With false the spec is compiled for evaluation only, in
   * about half the time: test blocks are not read, the test submission files
   * (`given file`) need not be in `files`, and `runTests()` compiles the tests
   * then (a usage error naming each file still missing).
   */
  tests?: boolean;
}

export interface EvaluateOptions {
  /** Assessment date `YYYY-MM-DD`; overrides the header's period end. */
  asOf?: string | null;
  /** Build explanations (default true). */
  explanations?: boolean;
  /**
   * Accept a submission without a `header` and evaluate it as from this
   * respondent (quick checks, drafts, a form still being filled in). Its
   * report has `header: null` and the warning NS0217 (unattributed
   * submission). Left out (the default, as the CLI): a submission without a
   * header is an NS0211 error. A submission that has a header is read as
   * always, whatever this says.
   */
  unattributed?: Respondent | null;
}

export interface EvaluateJsonOptions extends EvaluateOptions {
  /** Indent like `netspec eval --format json` (default false: compact). */
  pretty?: boolean;
}

/** Everything this package throws is a NetspecError. */
export declare class NetspecError extends Error {
  readonly name: 'NetspecError';
  readonly kind: ErrorKind;
  /** The code of the first error diagnostic; undefined when there is none. */
  readonly code: DiagnosticCode | undefined;
  /** Every diagnostic (errors and warnings), in the engine's order; empty for usage and internal errors. */
  readonly diagnostics: ErrorDiagnostic[];
  /** The diagnostics drawn rustc-style with the source lines ('' when none). */
  readonly rendered: string;
  private constructor();
}

/** A FHIR R4 `Questionnaire` (JSON), as netspec writes it. */
export interface FhirQuestionnaire {
  [key: string]: unknown;
  resourceType: 'Questionnaire';
  url: string;
  version?: string;
  title: string;
  status: 'active';
  item: FhirQuestionnaireItem[];
}

/** An item of a FHIR `Questionnaire` as netspec writes it. */
export interface FhirQuestionnaireItem {
  [key: string]: unknown;
  /** The input's JSON pointer (`/units/*\/beds`), `section-N`, or `POINTER#help`. */
  linkId: string;
  text: string;
  type: 'group' | 'display' | 'boolean' | 'integer' | 'decimal' | 'date' | 'string' | 'choice';
  repeats?: boolean;
  required?: boolean;
  item?: FhirQuestionnaireItem[];
}

/** A FHIR R4 `QuestionnaireResponse` (JSON). */
export interface FhirQuestionnaireResponse {
  [key: string]: unknown;
  resourceType: 'QuestionnaireResponse';
  /** The Questionnaire's canonical URL, `url|version`. */
  questionnaire: string;
  status: string;
  item?: FhirResponseItem[];
}

/** An item of a FHIR `QuestionnaireResponse`. */
export interface FhirResponseItem {
  [key: string]: unknown;
  linkId: string;
  text?: string;
  answer?: JsonObject[];
  item?: FhirResponseItem[];
}

/** A compiled spec: evaluate as many submissions as needed with it. Made by `compile()`. */
export declare class Spec {
  private constructor();
  readonly id: string;
  readonly title: string;
  readonly version: string | null;
  /** Compilation warnings. */
  readonly warnings: readonly ErrorDiagnostic[];
  /**
   * Evaluates a submission: an object of answers (serialised with JSON rules;
   * non-finite numbers and unsafe BigInts are errors), JSON text, or JSON
   * text as bytes (read as UTF-8; bytes that are not UTF-8 are NS0309).
   * Throws a NetspecError (kind `submission`) when the submission is not valid.
   */
  evaluate(submission: object | SourceText, options?: EvaluateOptions): Report;
  /** Like `evaluate`, but returns the report as JSON text, byte for byte what the native engine writes. */
  evaluateJson(submission: object | SourceText, options?: EvaluateJsonOptions): string;
  /** The questions a provider answers, grouped as the form shows them. */
  inputs(): Section[];
  /** The JSON Schema (draft 2020-12) of a valid submission. */
  jsonSchema(): JsonObject;
  /** Runs the spec's `test` blocks, with coverage. */
  runTests(): TestRun;
  /**
   * The FHIR R4 `Questionnaire` of one respondent's questions (default
   * `provider`), as `netspec fhir questionnaire` writes it: one item per
   * input, its `linkId` the input's JSON pointer.
   */
  fhirQuestionnaire(respondent?: Respondent): FhirQuestionnaire;
  /**
   * Reads a FHIR `QuestionnaireResponse` to this spec's Questionnaire (an
   * object, JSON text or its bytes) as a submission. Throws a NetspecError
   * (kind `submission`): NS0220-NS0224, or the submission's own codes, each
   * with its JSON pointer and a note `FHIR path: item[3].item[0].answer[0]`.
   */
  fromFhir(response: object | SourceText): JsonObject;
  /**
   * A submission as a FHIR `QuestionnaireResponse` to the Questionnaire of
   * its header's respondent (`unattributed` for one without a header).
   */
  toFhir(submission: object | SourceText, options?: { unattributed?: Respondent }): FhirQuestionnaireResponse;
  /**
   * Rolls several submissions up into one network report, as
   * `netspec network --format json` does (per provider, per requirement,
   * per area; the network's own duties apart; submissions that cannot be
   * evaluated listed with their errors), and the same as tidy CSV. Each
   * submission is JSON text or its bytes, with the name it is listed by.
   */
  network(
    submissions: ReadonlyArray<{ name: string; text?: string; bytes?: Uint8Array | ArrayBuffer }>,
    options?: { asOf?: string; explanations?: boolean },
  ): { report: NetworkReport; csv: string };
  /** Releases the compiled spec now (it is also released when garbage collected). */
  free(): void;
}

/**
 * The network report (`network_format` 1): see the `netspec-network` crate
 * for every field.
 */
export interface NetworkReport {
  network_format: number;
  engine_version: string;
  spec: { id: string; title: string; version: string | null };
  provenance: string;
  totals: { submissions: number; providers: number; network: number; failed: number };
  requirements: JsonObject[];
  areas: JsonObject[];
  providers: JsonObject[];
  network: { requirements: JsonObject[]; submissions: JsonObject[] };
  failed: JsonObject[];
  notes: string[];
}

/** What `hover` shows: Markdown, and the UTF-16 range of the name it is about. */
export interface HoverInfo {
  contents: string;
  from: number;
  to: number;
}

/** What a completion candidate is. */
export type CompletionKind = 'input' | 'field' | 'builtin' | 'keyword' | 'enum' | 'requirement' | 'definition';

/** One completion candidate: the text to write, what it is, a short detail and a longer text. */
export interface CompletionOption {
  label: string;
  kind: CompletionKind;
  detail?: string;
  info?: string;
}

/** What `complete` gives: where the word being completed starts (UTF-16) and the candidates. */
export interface Completions {
  from: number;
  options: CompletionOption[];
}
