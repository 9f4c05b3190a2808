// Type-checked by `tsc --noEmit -p tsconfig.json` (never run): the declarations
// describe the API well enough for strict TypeScript with no `any`.
import {
  compile,
  explain,
  codes,
  hover,
  complete,
  type HoverInfo,
  type Completions,
  type CompletionKind,
  version,
  NetspecError,
  Spec,
  type Report,
  type RequirementResult,
  type Check,
  type Section,
  type Question,
  type TestRun,
  type ErrorDiagnostic,
  type Outcome,
  type JsonObject,
  type CodeInfo,
  type SourceText,
  type SubmissionHeader,
  type Respondent,
  type Basis,
  type ToPass,
  type Compliance,
  type AreaSummary,
  type QuestionRelation,
  type ChecklistAnswer,
  type EvidenceDeclared,
  type Area,
  type FhirQuestionnaire,
  type FhirQuestionnaireResponse,
  type QuestionType,
  type ErrorKind,
  type GivenEvidence,
  type DiagnosticCode,
} from 'netspec';
import init, { initSync, compile as compileInBrowser, version as webVersion } from 'netspec/web';

const files: Record<string, string> = { 'common/x.netspec': 'inputs { y: int "Y" }' };
const spec: Spec = compile('spec a "A" { version "1" }', { name: 'a.netspec', files, tests: false });
const id: string = spec.id;
const specVersion: string | null = spec.version;

interface MySubmission {
  beds: number;
  units: { name: string; open: boolean }[];
}
const mine: MySubmission = { beds: 3, units: [{ name: 'A', open: true }] };
const report: Report = spec.evaluate(mine, { asOf: '2025-06-30', explanations: true });
const fromText: Report = spec.evaluate('{"beds": 3}');
const fromBytes: Report = spec.evaluate(new TextEncoder().encode('{"beds": 3}'));
const specBytes: SourceText = new TextEncoder().encode('spec b "B" { version "1" }');
const fromByteSource: Spec = compile(specBytes, { files: { 'x.json': new ArrayBuffer(2) } });
const text: string = spec.evaluateJson(mine, { pretty: true });

function notMet(r: Report): RequirementResult[] {
  return r.requirements.filter((q) => q.outcome === 'not_met');
}
const messages: string[] = notMet(report).flatMap((q) => q.explanation.map((c: Check) => c.message));
const outcome: Outcome = report.requirements[0].outcome;
const gap: number | string | boolean | null | undefined = report.requirements[0].explanation[0].gap;
const date: string | null = fromText.assessed_on;

// issue 12: the header, respondents, compliance, basis, help, what it would take
const header: SubmissionHeader = {
  respondent: 'provider',
  organisation: { ods_code: 'RRK', name: 'Eastmoor Hospitals NHS Trust' },
  period: { start: '2024-07-01', end: '2025-06-30' },
  completed_by: 'Jo Bloggs, critical care matron',
  signed_off: { by: 'Dr A Smith, medical director', on: '2025-07-10' },
};
const withHeader: Report = spec.evaluate({ header, beds: 3 });
const draft: Report = spec.evaluate({ beds: 3 }, { unattributed: 'network', asOf: '2025-06-30' });
const who: Respondent = withHeader.respondent;
const echoed: SubmissionHeader | null = draft.header;
const odsCode: string | undefined = echoed?.organisation.ods_code;
const overallCompliance: Compliance = withHeader.overall.compliance;
const areaCompliance: (number | null)[] = withHeader.areas.map((a: AreaSummary) => a.compliance);
const req: RequirementResult = withHeader.requirements[0];
const basis: Basis | null = req.basis;
const guidance: string | null = req.help;
const judged: Respondent = req.respondent;
const required: boolean[] = req.evidence.declared.map((d: EvidenceDeclared) => d.required);
const check: Check = req.explanation[0];
const elementName: string | null = check.element_name;
const outOfScope: boolean = check.in_scope === false;
const steps: ToPass[] = check.to_pass ?? [];
const firstStep: string | undefined = steps[0]?.message;
const stepPath: string | null | undefined = steps[0]?.path;
const stepChange: number | null | undefined = steps[0]?.change;
const stepUnit: string | null | undefined = steps[0]?.unit;

const sections: Section[] = spec.inputs();
const q0: Question = sections[0].questions[0];
const askedOf: Respondent = q0.respondent;
const period: string | undefined = q0.period;
const bounds: QuestionRelation[] = q0.relations ?? [];
const boundWords: string[] = bounds.map((b) => b.words);
const items: Question[] = q0.type === 'checklist' ? q0.fields ?? [] : [];
const answer: ChecklistAnswer = 'not_applicable';
console.log(who, odsCode, overallCompliance, areaCompliance, basis, guidance, judged, required, elementName, outOfScope,
  firstStep, stepPath, stepChange, stepUnit, askedOf, period, boundWords, items, answer);
// the generated shapes: area keys, evidence given, a header without a sign-off
const areaKey: Area = withHeader.areas[0].area;
const given: GivenEvidence[] = req.evidence.given;
const qType: QuestionType = q0.type;
const bareHeader: SubmissionHeader = {
  respondent: 'network',
  organisation: header.organisation,
  period: header.period,
  completed_by: 'Jo Bloggs, network manager',
};
const kinds: ErrorKind[] = ['compile', 'submission', 'usage', 'internal'];
const codeText: DiagnosticCode = 'NS0002';
// @ts-expect-error: not one of the seven areas
const notArea: Area = 'finance';
// @ts-expect-error: not a diagnostic code
const notCode: DiagnosticCode = 'E0002';
console.log(areaKey, given, qType, bareHeader, kinds, codeText, notArea, notCode);
const first: Question = sections[0].questions[0];
const kind: string = first.type;
const schema: JsonObject = spec.jsonSchema();
const run: TestRun = spec.runTests();
const questionnaire: FhirQuestionnaire = spec.fhirQuestionnaire('network');
const firstLink: string = questionnaire.item[0].linkId;
const response: FhirQuestionnaireResponse = spec.toFhir({ beds: 3 }, { unattributed: 'provider' });
const readBack: JsonObject = spec.fromFhir(response);
// @ts-expect-error: not a respondent
spec.fhirQuestionnaire('commissioner');
console.log(firstLink, readBack);
const percent: number = run.coverage.percent;
const firstOutcome: [string, Outcome] = run.results[0].outcomes[0];

try {
  compile('spec x');
} catch (e) {
  if (e instanceof NetspecError) {
    const d: ErrorDiagnostic | undefined = e.diagnostics[0];
    const where: string = d ? `${d.file}:${d.line}:${d.column} ${d.code}` : e.kind;
    console.log(where, e.rendered, e.code);
  }
}

const info: CodeInfo | undefined = explain('NS0002');
const all: CodeInfo[] = codes();
const v: string = version;

async function browser(bytes: Uint8Array): Promise<string> {
  await init(bytes);
  initSync(bytes);
  return compileInBrowser('spec b "B" { version "1" }').title + webVersion;
}

// the editor queries (the playground's contract)
const shown: HoverInfo | null = hover('spec a "A" { version "1" }', 0);
const hoverText: string | undefined = shown?.contents;
const offered: Completions = complete('spec a "A" { version "1" }\n', 27);
const firstKind: CompletionKind | undefined = offered.options[0]?.kind;
const firstDetail: string | undefined = offered.options[0]?.detail;

spec.free();
console.log(hoverText, offered.from, firstKind, firstDetail, id, specVersion, text, messages, outcome, gap, date, kind, schema, percent, firstOutcome, info, all, v, browser, fromBytes, fromByteSource);
