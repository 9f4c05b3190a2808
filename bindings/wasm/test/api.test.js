// The public API on the bundled adult critical care spec and its examples.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ns = require('..');
const { REPO, PACKAGE_DIR, SMALL_SPEC, HEADER } = require('./support/corpus');

const SPECS = path.join(REPO, 'specs');
const read = (rel) => fs.readFileSync(path.join(SPECS, rel), 'utf8');
const GOVERNANCE = { 'common/network_governance.netspec': read('common/network_governance.netspec') };
const EXAMPLES = fs.readdirSync(path.join(SPECS, 'examples', 'adult_critical_care')).filter((f) => f.endsWith('.json')).sort();

function accSpec(options) {
  return ns.compile(read('adult_critical_care.netspec'), Object.assign({ name: 'adult_critical_care.netspec', files: GOVERNANCE, tests: false }, options));
}
function example(name) {
  return JSON.parse(read(`examples/adult_critical_care/${name}`));
}

test('version is the package and crate version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
  assert.equal(ns.version, pkg.version);
  const cargo = fs.readFileSync(path.join(REPO, 'Cargo.toml'), 'utf8');
  assert.match(cargo, new RegExp(`\\[workspace\\.package\\][^\\[]*version = "${pkg.version.replace(/\./g, '\\.')}"`));
});

test('compile: id, title, version, warnings', () => {
  const spec = accSpec();
  assert.ok(spec instanceof ns.Spec);
  assert.equal(spec.id, 'adult_critical_care');
  assert.equal(spec.title, 'Adult critical care operational delivery network');
  assert.equal(spec.version, '2025.2');
  assert.ok(Array.isArray(spec.warnings));
  assert.ok(Object.isFrozen(spec));
  const bare = ns.compile('spec bare "Bare" { version "1" }\n');
  assert.equal(bare.id, 'bare');
  const noVersion = ns.compile('spec nov "No version" { }\n');
  assert.equal(noVersion.version, null);
});

test('compile: used files come through `files` (a Map works too)', () => {
  const src = read('adult_critical_care.netspec');
  const err = assert.throws(() => ns.compile(src, { name: 'adult_critical_care.netspec', tests: false }), (e) => {
    assert.equal(e.kind, 'compile');
    assert.equal(e.code, 'NS0008');
    return true;
  });
  assert.equal(err, undefined);
  const spec = ns.compile(src, { name: 'adult_critical_care.netspec', tests: false, files: new Map(Object.entries(GOVERNANCE)) });
  assert.equal(spec.id, 'adult_critical_care');
});

test('evaluate: the report for each example', () => {
  const spec = accSpec();
  const seen = new Set();
  for (const name of EXAMPLES) {
    const report = spec.evaluate(example(name));
    assert.deepEqual(Object.keys(report).sort(), ['areas', 'assessed_on', 'engine_version', 'header', 'overall', 'report_format', 'requirements', 'respondent', 'spec', 'warnings']);
    assert.equal(report.report_format, 1);
    assert.equal(report.engine_version, ns.version);
    const sub = example(name);
    assert.deepEqual(report.header, Object.assign({ signed_off: null }, sub.header), 'the header echoed');
    assert.equal(report.respondent, sub.header.respondent);
    assert.equal(report.assessed_on, sub.header.period.end, 'the period end is the assessment date');
    const decided = report.overall.counts.met + report.overall.counts.not_met;
    assert.equal(report.overall.compliance, decided === 0 ? null : Math.round((report.overall.counts.met / decided) * 10000) / 100);
    for (const a of report.areas) assert.ok(a.compliance === null || (a.compliance >= 0 && a.compliance <= 100), a.area);
    assert.deepEqual(report.spec, { id: 'adult_critical_care', title: spec.title, version: '2025.2' });
    assert.equal(report.areas.length, 7);
    assert.deepEqual(report.areas.map((a) => a.area), ['service_delivery', 'resources', 'workforce', 'quality', 'collaboration', 'transformation', 'population_health']);
    const counts = report.overall.counts;
    assert.equal(counts.met + counts.not_met + counts.not_applicable + counts.incomplete, report.requirements.length);
    for (const r of report.requirements) {
      assert.ok(['met', 'not_met', 'not_applicable', 'incomplete'].includes(r.outcome));
      assert.ok(['must', 'should', 'may'].includes(r.level));
      assert.ok([null, 'standard', 'derived', 'estimate'].includes(r.basis), `${r.id}: basis ${r.basis}`);
      assert.equal(r.respondent, report.respondent, `${r.id}: only the submission's respondent's requirements`);
      assert.ok(r.help === null || typeof r.help === 'string', r.id);
      assert.ok(r.evidence.declared.every((d) => typeof d.required === 'boolean'), r.id);
      if (r.outcome === 'not_met') assert.ok(r.explanation.length > 0, r.id);
      for (const c of r.explanation) {
        assert.ok(c.element_name === null || typeof c.element_name === 'string', r.id);
        assert.ok(c.in_scope === undefined || c.in_scope === false, r.id);
        for (const t of c.to_pass || []) {
          assert.equal(c.held, false, `${r.id}: only a failed check says what it would take`);
          assert.ok(t.path === null || t.path.startsWith('/'), `${r.id}: ${t.path}`);
          assert.equal(typeof t.message, 'string');
          assert.equal(t.change === null, typeof t.from === 'boolean', `${r.id}: ${JSON.stringify(t)}`);
          assert.ok(t.unit === null || typeof t.unit === 'string');
        }
      }
      if (r.outcome === 'incomplete') assert.ok(r.missing.length + r.problems.length > 0, r.id);
      seen.add(r.outcome);
    }
    assert.ok(Object.getPrototypeOf(report) === Object.prototype, 'a plain object');
  }
  assert.ok(seen.has('met') && seen.has('not_met') && seen.has('incomplete'));
  const bad = spec.evaluate(example('non_compliant.json'));
  assert.equal(bad.overall.rating, 'red');
  const good = spec.evaluate(example('compliant.json'));
  assert.equal(good.overall.counts.not_met, 0);
});

test('evaluate: JSON text and objects give the same report; evaluateJson is its text', () => {
  const spec = accSpec();
  const text = read('examples/adult_critical_care/partly_compliant.json');
  const fromText = spec.evaluate(text);
  assert.deepEqual(spec.evaluate(JSON.parse(text)), fromText);
  assert.deepEqual(JSON.parse(spec.evaluateJson(text)), fromText);
  const pretty = spec.evaluateJson(text, { pretty: true });
  assert.ok(pretty.startsWith('{\n  "areas": ['));
  assert.deepEqual(JSON.parse(pretty), fromText);
  // deterministic
  assert.equal(spec.evaluateJson(text, { pretty: true }), pretty);
});

test('evaluate options: asOf and explanations', () => {
  const spec = accSpec();
  const sub = example('non_compliant.json');
  const a = spec.evaluate(sub, { asOf: '2030-01-01' });
  assert.equal(a.assessed_on, '2030-01-01');
  const b = spec.evaluate(sub, { asOf: null });
  assert.equal(b.assessed_on, sub.header.period.end);
  const quiet = spec.evaluate(sub, { explanations: false });
  assert.ok(quiet.requirements.every((r) => r.explanation.length === 0));
  assert.deepEqual(quiet.requirements.map((r) => r.outcome), b.requirements.map((r) => r.outcome));
});

test('evaluate options: unattributed evaluates a submission without a header as from a respondent', () => {
  const spec = ns.compile(SMALL_SPEC);
  // by default, as the CLI, a submission without a header is refused (NS0211 at /header)
  for (const options of [undefined, {}, { unattributed: null }, { unattributed: undefined }]) {
    assert.throws(() => spec.evaluate({ beds: 1, nurses: 1 }, options), (e) => {
      assert.ok(e instanceof ns.NetspecError);
      assert.equal(e.kind, 'submission');
      assert.equal(e.code, 'NS0211');
      assert.equal(e.diagnostics[0].path, '/header');
      return true;
    });
  }
  for (const who of ['provider', 'network']) {
    const r = spec.evaluate({ beds: 1, nurses: 1 }, { unattributed: who });
    assert.equal(r.header, null);
    assert.equal(r.respondent, who);
    assert.ok(r.warnings.some((w) => w.code === 'NS0217'), 'the report says it is unattributed');
    assert.deepEqual(JSON.parse(spec.evaluateJson({ beds: 1, nurses: 1 }, { unattributed: who })), r);
  }
  // the small spec's requirement is the provider's: a network submission is not judged by it
  assert.equal(spec.evaluate({ beds: 1, nurses: 1 }, { unattributed: 'provider' }).requirements.length, 1);
  assert.equal(spec.evaluate({ beds: 1, nurses: 1 }, { unattributed: 'network' }).requirements.length, 0);
  // a submission with a header is read as always: its respondent, whatever the option says
  const attributed = spec.evaluate({ header: HEADER, beds: 1, nurses: 1 }, { unattributed: 'network' });
  assert.equal(attributed.respondent, 'provider');
  assert.deepEqual(attributed.header, Object.assign({ signed_off: null }, HEADER));
  assert.deepEqual(attributed, spec.evaluate({ header: HEADER, beds: 1, nurses: 1 }));
  for (const bad of ['Provider', 'commissioner', '', 1, true, {}]) {
    assert.throws(() => spec.evaluate({}, { unattributed: bad }), (e) => {
      assert.ok(e instanceof ns.NetspecError);
      assert.equal(e.kind, 'usage');
      assert.match(e.message, /`unattributed` must be "provider" or "network"/);
      return true;
    }, JSON.stringify(bad));
  }
});

test('inputs(): the form model', () => {
  const spec = accSpec();
  const sections = spec.inputs();
  assert.ok(sections.length > 0);
  const units = sections.flatMap((s) => s.questions).find((q) => q.name === 'units');
  assert.equal(units.type, 'list');
  assert.equal(units.path, '/units');
  assert.ok(units.fields.length > 0);
  const unitType = units.fields.find((q) => q.name === 'unit_type');
  assert.equal(unitType.type, 'enum');
  assert.deepEqual(unitType.values, ['combined', 'intensive_care', 'high_dependency']);
  assert.ok(Array.isArray(unitType.read_by));
});

test('jsonSchema(): draft 2020-12', () => {
  const schema = accSpec().jsonSchema();
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(schema.type, 'object');
  assert.ok(schema.properties.units);
});

test('runTests(): results and coverage, with the test files supplied', () => {
  const files = Object.assign({}, GOVERNANCE);
  for (const name of EXAMPLES) files[`examples/adult_critical_care/${name}`] = read(`examples/adult_critical_care/${name}`);
  const spec = ns.compile(read('adult_critical_care.netspec'), { name: 'adult_critical_care.netspec', files });
  const run = spec.runTests();
  assert.ok(run.results.length > 0);
  assert.equal(run.passed + run.failed, run.results.length);
  for (const r of run.results) {
    assert.equal(r.passed, true, `${r.name}: ${JSON.stringify(r.mismatches)} ${r.error}`);
    // the shared governance file's tests run in every spec that uses it
    assert.ok(['adult_critical_care.netspec', 'common/network_governance.netspec'].includes(r.location.file), r.location.file);
    assert.ok(Array.isArray(r.outcomes[0]) && r.outcomes[0].length === 2);
  }
  assert.equal(run.coverage.spec, 'adult_critical_care');
  assert.equal(run.coverage.total, run.coverage.requirements.length);
  assert.ok(run.coverage.percent >= 0 && run.coverage.percent <= 100);
  // compiled for evaluation only with the same files, it compiles its tests when they are run
  const evalOnly = ns.compile(read('adult_critical_care.netspec'), { name: 'adult_critical_care.netspec', files, tests: false });
  assert.deepEqual(evalOnly.runTests(), run);
  // a test block that does not check is not read by a compile with tests: false
  const brokenTest = read('adult_critical_care.netspec').replace(/expect ACC-WF-03 \w+/, 'expect ACC-WF-03 maybe');
  assert.notEqual(brokenTest, read('adult_critical_care.netspec'));
  assert.throws(() => ns.compile(brokenTest, { name: 'adult_critical_care.netspec', files }), (e) => e.kind === 'compile');
  const lenient = ns.compile(brokenTest, { name: 'adult_critical_care.netspec', files, tests: false });
  assert.deepEqual(lenient.evaluate(example('compliant.json')), spec.evaluate(example('compliant.json')));
  assert.throws(() => lenient.runTests(), (e) => e.kind === 'compile');
  // without the test files the spec still compiles with tests: false, and says why it cannot run them
  assert.throws(() => accSpec().runTests(), (e) => e.kind === 'usage' && /examples\/adult_critical_care\/compliant\.json/.test(e.message));
  // and does not compile with the default (tests: true), as `netspec check` would not
  assert.throws(() => ns.compile(read('adult_critical_care.netspec'), { name: 'adult_critical_care.netspec', files: GOVERNANCE }),
    (e) => e.kind === 'compile' && e.code === 'NS0020');
});

test('explain() and codes()', () => {
  const info = ns.explain('ns0002');
  assert.deepEqual(Object.keys(info).sort(), ['code', 'explanation', 'title']);
  assert.equal(info.code, 'NS0002');
  assert.equal(info.title, 'unknown name');
  assert.equal(ns.explain('NS9999'), undefined);
  assert.equal(ns.explain(''), undefined);
  const all = ns.codes();
  assert.ok(all.length >= 30);
  assert.ok(all.every((c) => /^NS\d{4}$/.test(c.code) && c.title && c.explanation));
  all[0].title = 'changed';
  assert.notEqual(ns.codes()[0].title, 'changed');
});

test('many specs and evaluations in one module', () => {
  const specs = Array.from({ length: 50 }, () => ns.compile(SMALL_SPEC));
  for (let i = 0; i < 2000; i += 1) {
    const r = specs[i % specs.length].evaluate({ header: HEADER, beds: i % 7, nurses: 3 });
    assert.equal(r.requirements[0].outcome, i % 7 <= 3 ? 'met' : 'not_met');
  }
  for (const s of specs) s.free();
});
