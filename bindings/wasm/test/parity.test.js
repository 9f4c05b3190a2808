// The conformance corpus through the WebAssembly package gives exactly what
// the native engine gives: byte-identical report JSON (as `netspec eval
// --format json` prints it), and the same diagnostics when a spec does not
// compile or a submission is rejected.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const ns = require('..');
const { discover, nativeResults, engineForm, submissionOf } = require('./support/corpus');
const { skipUnless } = require('./support/skip.js');

const cases = discover();

function wasmResult(c) {
  let spec;
  try {
    spec = ns.compile(c.source, { name: c.specName, files: c.files });
  } catch (e) {
    assert.ok(e instanceof ns.NetspecError, `${c.id}: compile threw ${e}`);
    assert.equal(e.kind, 'compile', `${c.id}: ${e.message}`);
    return { compile_ok: false, compile_diagnostics: e.diagnostics.map(engineForm), evaluation: null };
  }
  const result = { compile_ok: true, compile_diagnostics: spec.warnings.map(engineForm) };
  const opts = { asOf: c.file.as_of, pretty: true };
  try {
    const text = spec.evaluateJson(submissionOf(c), opts);
    result.evaluation = { report: text };
    // the object form is the same report
    const again = spec.evaluate(submissionOf(c), { asOf: c.file.as_of });
    assert.deepEqual(again, JSON.parse(text), `${c.id}: evaluate() and evaluateJson() differ`);
  } catch (e) {
    assert.ok(e instanceof ns.NetspecError, `${c.id}: evaluate threw ${e}`);
    assert.equal(e.kind, 'submission', `${c.id}: ${e.message}`);
    result.evaluation = { errors: e.diagnostics.map(engineForm) };
  } finally {
    spec.free();
  }
  return result;
}

test('the corpus is there', () => {
  assert.ok(cases.length >= 80, `only ${cases.length} cases under tests/conformance`);
});

test('conformance corpus: wasm and native give identical results', async (t) => {
  const native = nativeResults();
  assert.deepEqual([...native.keys()], cases.map((c) => c.id), 'the native helper and this test see different cases');
  let compared = 0;
  let reports = 0;
  for (const c of cases) {
    await t.test(c.id, () => {
      const want = native.get(c.id);
      const got = wasmResult(c);
      assert.equal(got.compile_ok, want.compile_ok, 'compiled in one and not the other');
      assert.deepEqual(got.compile_diagnostics, want.compile_diagnostics);
      if (want.evaluation && want.evaluation.report !== undefined) {
        assert.ok(got.evaluation.report !== undefined, `rejected in wasm: ${JSON.stringify(got.evaluation.errors)}`);
        // byte for byte
        assert.equal(got.evaluation.report, want.evaluation.report);
        reports += 1;
      } else {
        assert.deepEqual(got.evaluation, want.evaluation);
      }
    });
    compared += 1;
  }
  console.log(`parity: ${compared} cases compared (${reports} reports byte-identical)`);
  assert.equal(compared, cases.length);
});

// The same reports through the real CLI, when ci.sh says where it is.
test('reports equal the CLI output of `netspec eval --format json`', { skip: skipUnless(!process.env.NETSPEC_CLI && 'NETSPEC_CLI is not set (ci.sh sets it to the netspec binary)') }, async (t) => {
  const cli = process.env.NETSPEC_CLI;
  assert.ok(fs.existsSync(cli), `NETSPEC_CLI=${cli} does not exist`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-parity-'));
  let compared = 0;
  try {
    for (const c of cases) {
      let spec;
      try {
        spec = ns.compile(c.source, { name: c.specName, files: c.files });
      } catch (_) {
        continue;
      }
      let expected;
      try {
        expected = spec.evaluateJson(submissionOf(c), { asOf: c.file.as_of, pretty: true });
      } catch (_) {
        continue;
      } finally {
        spec.free();
      }
      const sub = path.join(tmp, 'submission.json');
      const s = submissionOf(c);
      fs.writeFileSync(sub, typeof s === 'string' ? s : JSON.stringify(s));
      const args = ['eval', c.specName, sub, '--format', 'json'];
      if (c.file.as_of) args.push('--as-of', c.file.as_of);
      const r = spawnSync(cli, args, { cwd: c.dir, encoding: 'utf8' });
      await t.test(c.id, () => {
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `${expected}\n`);
      });
      compared += 1;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`cli parity: ${compared} reports compared with ${path.basename(cli)} eval --format json`);
  assert.ok(compared > 0);
});
