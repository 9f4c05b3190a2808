// Types shared by the node (index.d.ts) and browser (web.d.ts) entry points.
// Report, Check, Diagnostic and the other result shapes are exactly the JSON
// the engine writes (`netspec eval --format json`, grammar/README.md §11), so
// their field names are snake_case.

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A stable diagnostic code such as `"NS0002"` (`explain(code)` describes it). */
export type DiagnosticCode = `NS${string}`;
export type Severity = 'error' | 'warning';
/** The outcome of one requirement. */
export type Outcome = 'met' | 'not_met' | 'not_applicable' | 'incomplete';
/** The rating of an area or of the whole spec. */
export type Rating = 'green' | 'amber' | 'red' | 'incomplete';
/** Requirement strength. */
export type Level = 'must' | 'should' | 'may';
/**
 * Where a requirement's threshold comes from: taken from a named standard,
 * derived from one (a documented calculation or reading), or an estimate (no
 * published figure). `null` in a report when the spec does not say.
 */
export type Basis = 'standard' | 'derived' | 'estimate';
/**
 * Who answers an input and who is judged by a requirement: a provider
 * service (one submission per provider) or the network itself (its own
 * submission, from its host organisation).
 */
export type Respondent = 'provider' | 'network';
/** The seven functional areas, in report order. */
export type Area =
  | 'service_delivery'
  | 'resources'
  | 'workforce'
  | 'quality'
  | 'collaboration'
  | 'transformation'
  | 'population_health';

/** Where in a spec file: byte range and 1-based line/column (columns count characters). */
export interface Location {
  file: string;
  start: number;
  end: number;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

/** One problem found in a spec or a submission, as the engine serialises it. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** One line, lower-case start, no trailing period. */
  message: string;
  /** Where in a spec file (spec diagnostics). */
  location?: Location;
  /** JSON pointer into the submission (submission diagnostics). */
  path?: string;
  /** Short text shown under the caret. */
  label?: string;
  /** A suggestion, e.g. "did you mean `rn_per_shift`?". */
  help?: string;
  /** Extra notes (left out when there are none). */
  notes?: string[];
}

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

/** What went wrong: the spec, the submission (or evaluation options), the call itself, or the engine. */
export type ErrorKind = 'compile' | 'submission' | 'usage' | 'internal';

/** How many requirements had each outcome. */
export interface Counts {
  met: number;
  not_met: number;
  not_applicable: number;
  incomplete: number;
}

/**
 * The smallest change to one answer that would make a failed check hold
 * ("what it would take"). For a check that reads several answers it is the
 * change to the numerator (or the first answer); it never breaks a declared
 * `min`/`max`.
 */
export interface ToPass {
  /**
   * JSON pointer of the answer to change (`/units/1/shifts_with_coordinator`);
   * null when the answer is a total over a list (no one question holds it).
   */
  path: string | null;
  /** The question's text. */
  question: string;
  /** The question's short label (`Shifts with a supernumerary coordinator`). */
  label: string;
  /** The answer now (numbers as numbers, percents in percent points, dates as `YYYY-MM-DD`, yes/no as a boolean). */
  from: number | string | boolean;
  /** The answer that would make the check hold. */
  to: number | string | boolean;
  /** `to - from` in the answer's unit (days for dates); null for a yes/no answer. */
  change: number | null;
  /** The answer's unit (`shifts`; `days` for dates), or null when it declares none. */
  unit: string | null;
  /** The change in words: `40 more shifts with a supernumerary coordinator`. */
  message: string;
}

/** One check behind an outcome. */
export interface Check {
  /** The list element it concerns, e.g. `units[1] (B)`. */
  element?: string;
  /**
   * The list element in words, numbered from 1 and named by the spec's
   * `item` noun: `unit 2, St Anne's ICU`; null when the check concerns no
   * element.
   */
  element_name: string | null;
  /**
   * False for an element where the condition of an `implies` is false: out
   * of scope for this check, never a shortfall. Left out when true.
   */
  in_scope?: boolean;
  /** The condition as written in the spec (for authors; `message` is for providers). */
  check: string;
  held: boolean;
  /** Left-hand value (percents in percent points, dates as `YYYY-MM-DD`, enum values by name). */
  left?: number | string | boolean | null;
  right?: number | string | boolean | null;
  /** How far from passing (percent points for percents, days for dates). */
  gap?: number | string | boolean | null;
  /** The check in words, with the questions' short labels and the answers' units. */
  message: string;
  /** For a failed comparison: what it would take to pass (left out when empty). */
  to_pass?: ToPass[];
}

/** An unanswered question that would decide a requirement. */
export interface MissingInput {
  /** JSON pointer in the submission. */
  path: string;
  question: string;
}

/** One item of evidence a requirement asks for. */
export interface EvidenceDeclared {
  key: string;
  description: string;
  /**
   * Whether the requirement counts as met only with it given: when its rule
   * holds and required evidence is missing, the outcome is `incomplete` and
   * `missing` lists `/evidence/REQ-ID/KEY`.
   */
  required: boolean;
}

export interface EvidenceStatus {
  declared: EvidenceDeclared[];
  given: { key: string; reference: string }[];
  /** Declared keys not given. */
  missing: string[];
}

/** The result for one requirement. */
export interface RequirementResult {
  id: string;
  area: Area;
  level: Level;
  title: string;
  /** Where the requirement comes from in the source specification. */
  ref: string | null;
  /** Where its threshold comes from; null when the spec does not say. */
  basis: Basis | null;
  /** Who is judged by it (always the submission's respondent: only those are listed). */
  respondent: Respondent;
  /** Guidance for providers, written in the spec; null when there is none. */
  help: string | null;
  outcome: Outcome;
  explanation: Check[];
  /** For `incomplete`: the questions that would decide it. */
  missing: MissingInput[];
  /** Runtime problems (division by zero, empty mean). */
  problems: string[];
  evidence: EvidenceStatus;
}

/**
 * Compliance in percent: met ÷ (met + not met) × 100, not applicable left
 * out and incomplete reported beside it (in `counts`), rounded half away
 * from zero to 2 decimals from the exact ratio (e.g. 20.59); null when
 * met + not met is 0.
 */
export type Compliance = number | null;

/** The rating of the whole spec. */
export interface Summary {
  rating: Rating;
  counts: Counts;
  compliance: Compliance;
}

export interface AreaSummary {
  area: Area;
  title: string;
  rating: Rating;
  counts: Counts;
  compliance: Compliance;
}

/** An organisation, by ODS code and name. */
export interface Organisation {
  /** 3 to 6 upper-case letters or digits: `RRK`, `RRK02` (^[A-Z0-9]{3,6}$). */
  ods_code: string;
  name: string;
}

/** An assessment period, both days included (`YYYY-MM-DD`); end on or after start. */
export interface Period {
  start: string;
  end: string;
}

/** Who signed a submission off, and when (`YYYY-MM-DD`). */
export interface SignOff {
  by: string;
  on: string;
}

/**
 * Who a submission is from and which period it covers: the `header` every
 * submission has. The period end is the assessment date (unless `asOf` says
 * otherwise): `within` and rolling windows count back from it.
 */
export interface SubmissionHeader {
  respondent: Respondent;
  /** The organisation answering (for a network: its host organisation). */
  organisation: Organisation;
  period: Period;
  /** Who filled the submission in (name and role). */
  completed_by: string;
  /** Optional; both fields are required when it is given. */
  signed_off?: SignOff | null;
}

/** The report for one submission: exactly the CLI's `netspec eval --format json`. */
export interface Report {
  /** The version of the report's shape: it changes when a field is renamed or removed, not when one is added. */
  report_format: number;
  /** The version of the engine that made the report. */
  engine_version: string;
  spec: { id: string; title: string; version: string | null };
  /**
   * The submission's header, echoed; null for a submission evaluated without
   * one (`unattributed`), whose report then has the warning NS0217.
   */
  header: SubmissionHeader | null;
  /** Who the submission is from: only that respondent's requirements are decided and listed. */
  respondent: Respondent;
  /** The assessment date used (`YYYY-MM-DD`: `asOf`, else the header's period end), or null. */
  assessed_on: string | null;
  overall: Summary;
  /** All seven areas, in canonical order. */
  areas: AreaSummary[];
  /** By area, then declaration order. */
  requirements: RequirementResult[];
  /** Submission warnings (unknown fields, unknown evidence). */
  warnings: Diagnostic[];
}

export type QuestionType = 'bool' | 'int' | 'number' | 'percent' | 'date' | 'text' | 'enum' | 'list' | 'group' | 'checklist';

/** One question (or list/group of questions) of the form. */
export interface Question {
  /** JSON key. */
  name: string;
  /** JSON pointer, with `*` standing for list positions. */
  path: string;
  type: QuestionType;
  question: string;
  help?: string;
  unit?: string;
  /** Lower bound (percents in percent points, dates as text, list length). */
  min?: number | string | null;
  max?: number | string | null;
  /** Allowed values of an enum. */
  values?: string[];
  /**
   * Fields of a list element or group; for a checklist, its items (each an
   * `enum` question whose `values` are `yes`, `no`, `not_applicable`, named
   * by its key and worded by its `question`).
   */
  fields?: Question[];
  /** Requirements whose rules read this input. */
  read_by: string[];
  /** Short label used in explanations (`Shifts with a coordinator`), when the spec gives one. */
  label?: string;
  /** Who answers it (`inputs "…" respondent network { … }`; provider by default). */
  respondent: Respondent;
  /** For a count: the period it covers, in words (`in the assessment period`, `in the 12 months to the period end`). */
  period?: string;
  /** Answers this one is bounded by: "of those shifts, how many …" is at most the shifts. */
  relations?: QuestionRelation[];
  /** For a list: what one element is called (`unit`). */
  item?: string;
}

/** A bound on an answer by another answer of the same unit. */
export interface QuestionRelation {
  /** `at_most`: the answer is at most the bound (`max other`); `at_least`: at least it. */
  op: 'at_most' | 'at_least';
  /** The bound as written in the spec (`shifts_total`, `surge.episodes`). */
  bound: string;
  /** When the bound is one input: its JSON pointer, with `*` standing for each list position. */
  path?: string;
  /** When the bound is one input: its question text. */
  question?: string;
  /** The bound in words: `at most the answer to “How many nursing shifts …?”`. */
  words: string;
}

/** The answer to one checklist item. */
export type ChecklistAnswer = 'yes' | 'no' | 'not_applicable';

/** A titled group of questions (one `inputs` block). */
export interface Section {
  title: string | null;
  questions: Question[];
}

/** One expectation of a test that did not hold. */
export interface Mismatch {
  /** A requirement id, `area workforce` or `overall`. */
  subject: string;
  expected: string;
  actual: string;
  detail: string[];
}

/** The result of one `test` block. */
export interface TestResult {
  name: string;
  location: Location | null;
  passed: boolean;
  /** Expectations checked. */
  checked: number;
  mismatches: Mismatch[];
  /** Every requirement's outcome in this test's report, as [id, outcome]. */
  outcomes: [string, Outcome][];
  /** A submission or date problem that stopped the test. */
  error: string | null;
}

export interface RequirementCoverage {
  id: string;
  area: Area;
  met: boolean;
  not_met: boolean;
  not_applicable: boolean;
  incomplete: boolean;
  has_applies: boolean;
}

export interface Coverage {
  spec: string;
  requirements: RequirementCoverage[];
  areas: { area: Area; covered: number; total: number }[];
  covered: number;
  total: number;
  /** covered / total × 100 (100 for a spec with no requirements). */
  percent: number;
}

/** What `Spec.runTests()` returns. */
export interface TestRun {
  results: TestResult[];
  coverage: Coverage;
  passed: number;
  failed: number;
}

/** A diagnostic code and what it means. */
export interface CodeInfo {
  code: DiagnosticCode;
  title: string;
  explanation: string;
}

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
   * then (a usage error naming any file still missing).
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
  /** The code of the first error diagnostic, if any. */
  readonly code: DiagnosticCode | undefined;
  /** Every diagnostic (errors and warnings), in the engine's order; empty for usage and internal errors. */
  readonly diagnostics: ErrorDiagnostic[];
  /** The diagnostics drawn rustc-style with the source lines ('' when none). */
  readonly rendered: string;
  private constructor();
}

/** A compiled spec: evaluate any number of submissions with it. Made by `compile()`. */
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
  /** Releases the compiled spec now (it is also released when garbage collected). */
  free(): void;
}
