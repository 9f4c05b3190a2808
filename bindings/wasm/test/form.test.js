// The form's module (pkg/form-node, built by build.sh from bindings/wasm/form):
// every conformance case that compiles, loaded from its compiled document
// (`netspec compile`, the CLI ci.sh names in NETSPEC_CLI), evaluates to the same report JSON byte for byte as the
// full module, or rejects the submission with the same diagnostics; every
// bundled example likewise, with the same form model; the JSON Schema and
// FHIR are the full module's alone (a usage error here: the page loads the
// full module for FHIR); a refused document is a NetspecError (NS0312).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ns = require('..');
const { createApi } = require('../pkg/core.cjs');
const { spawnSync } = require('node:child_process');
const { discover, engineForm, submissionOf } = require('./support/corpus');
const { skipUnless } = require('./support/skip.js');

const form = createApi(require('../pkg/form-node/netspec_form_wasm.js'));
const REPO = path.resolve(__dirname, '../../..');
const CLI = process.env.NETSPEC_CLI;
const noCli = { skip: skipUnless(!CLI && 'NETSPEC_CLI is not set (ci.sh sets it to the netspec binary)') };

/** The compiled document of the spec at `file`, by `netspec compile`. */
function documentOf(file) {
  // (run in its folder: the document names the file as the full module's spec does)
  const r = spawnSync(CLI, ['compile', path.basename(file)], { cwd: path.dirname(file), encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `netspec compile ${file}: ${r.stderr}`);
  return r.stdout;
}

function outcome(spec, submission, opts) {
  try {
    return { report: spec.evaluateJson(submission, opts) };
  } catch (e) {
    assert.ok(e instanceof ns.NetspecError, String(e));
    return { kind: e.kind, errors: e.diagnostics.map(engineForm) };
  }
}

test('the form module loads every conformance spec\'s document and gives the full module\'s results', noCli, () => {
  let reports = 0;
  let loaded = 0;
  for (const c of discover()) {
    let full;
    try {
      full = ns.compile(c.source, { name: c.specName, files: c.files });
    } catch (_) {
      continue; // a case about compile errors
    }
    const spec = form.loadCompiled(documentOf(path.join(c.dir, c.specName)));
    loaded += 1;
    assert.equal(spec.id, full.id, c.id);
    assert.equal(spec.version, full.version, c.id);
    const opts = { asOf: c.file.as_of, pretty: true };
    const want = outcome(full, submissionOf(c), opts);
    const got = outcome(spec, submissionOf(c), opts);
    assert.deepEqual(got, want, c.id);
    if (want.report !== undefined) reports += 1;
    full.free();
    spec.free();
  }
  console.log(`form module: ${loaded} documents loaded, ${reports} reports byte-identical`);
  assert.ok(loaded >= 80 && reports >= 60, `${loaded} loaded, ${reports} reports`);
});

test('every bundled example: the same report bytes and form model', noCli, () => {
  const specs = path.join(REPO, 'specs');
  const files = {};
  for (const f of fs.readdirSync(path.join(specs, 'common'))) {
    files[`common/${f}`] = fs.readFileSync(path.join(specs, 'common', f), 'utf8');
  }
  let compared = 0;
  for (const f of fs.readdirSync(specs).filter((x) => x.endsWith('.netspec')).sort()) {
    const full = ns.compile(fs.readFileSync(path.join(specs, f), 'utf8'), { name: f, files, tests: false });
    const spec = form.loadCompiled(documentOf(path.join(specs, f)));
    assert.deepEqual(spec.inputs(), full.inputs(), f);
    const dir = path.join(specs, 'examples', f.replace(/\.netspec$/, ''));
    for (const e of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const text = fs.readFileSync(path.join(dir, e), 'utf8');
      assert.equal(spec.evaluateJson(text), full.evaluateJson(text), `${f} ${e}`);
      compared += 1;
    }
    full.free();
    spec.free();
  }
  assert.ok(compared >= 60, `only ${compared} examples`);
});

test('a refused document is a NetspecError with NS0312', () => {
  for (const doc of ['', '{}', '{"format": 2, "engine": "0.0.1"}']) {
    assert.throws(() => form.loadCompiled(doc), (e) => e instanceof ns.NetspecError
      && e.kind === 'compile' && e.diagnostics[0].code === 'NS0312');
  }
  assert.throws(() => form.loadCompiled(42), (e) => e.kind === 'usage');
});

test('the JSON Schema and FHIR are the full module\'s: a usage error here, and the spec still works', noCli, () => {
  const file = path.join(REPO, 'specs', 'adult_critical_care.netspec');
  const spec = form.loadCompiled(documentOf(file));
  const example = fs.readFileSync(path.join(REPO, 'specs/examples/adult_critical_care/compliant.json'), 'utf8');
  const before = spec.evaluateJson(example);
  const calls = {
    toFhir: () => spec.toFhir(example),
    fromFhir: () => spec.fromFhir({ resourceType: 'QuestionnaireResponse' }),
    fhirQuestionnaire: () => spec.fhirQuestionnaire(),
    jsonSchema: () => spec.jsonSchema(),
  };
  for (const [name, call] of Object.entries(calls)) {
    assert.throws(call, (e) => e instanceof ns.NetspecError && e.kind === 'usage'
      && e.message.startsWith(`${name}: the form's module does not have it`), name);
  }
  assert.equal(spec.evaluateJson(example), before, 'no restart, the same report');
  spec.free();
});
