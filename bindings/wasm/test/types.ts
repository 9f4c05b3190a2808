// Type-checked by `tsc --noEmit -p tsconfig.json` (never run): the declarations
// describe the API well enough for strict TypeScript with no `any`.
import {
  compile,
  explain,
  codes,
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

const sections: Section[] = spec.inputs();
const first: Question = sections[0].questions[0];
const kind: string = first.type;
const schema: JsonObject = spec.jsonSchema();
const run: TestRun = spec.runTests();
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

spec.free();
console.log(id, specVersion, text, messages, outcome, gap, date, kind, schema, percent, firstOutcome, info, all, v, browser, fromBytes, fromByteSource);
