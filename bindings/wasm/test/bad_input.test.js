// The bad-input catalogue (tests/bad_input/catalogue.json) through the
// WebAssembly package: every case, given to the package as the bytes the
// native tests read, gives the documented code at the documented place (or no
// error) as a NetspecError or a report warning, never a trap; and the next
// compilation and evaluation in the same module still work.
//
// The same catalogue runs through the library (tests/tests/bad_input.rs) and
// the CLI (crates/netspec-cli/tests/bad_input.rs).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ns = require('..');
const { HEADER } = require('./support/corpus');

const DIR = path.resolve(__dirname, '..', '..', '..', 'tests', 'bad_input');
const catalogue = JSON.parse(fs.readFileSync(path.join(DIR, 'catalogue.json'), 'utf8'));
const GOOD = fs.readFileSync(path.join(DIR, 'good.json'));

// The case's bytes: its file, or prefix + repeat × times + suffix, with `{n}`
// in `repeat` replaced by the 0-based repetition number (as the Rust tests do).
function input(c) {
  if ((c.file === undefined) === (c.generate === undefined)) {
    throw new Error(`${c.name}: give exactly one of file and generate`);
  }
  if (c.file !== undefined) return fs.readFileSync(path.join(DIR, c.file));
  const g = c.generate;
  const parts = [g.prefix];
  if (g.repeat.includes('{n}')) {
    for (let i = 0; i < g.times; i += 1) parts.push(g.repeat.replaceAll('{n}', String(i)));
  } else {
    parts.push(g.repeat.repeat(g.times));
  }
  parts.push(g.suffix);
  return Buffer.from(parts.join(''), 'utf8');
}

// What one case gave: the diagnostics and the exit code the CLI would give for
// the same outcome (spec: 0 compiled, 1 errors; submission: 0 report, 1 invalid,
// 2 not JSON or not UTF-8).
function runSpec(name, bytes) {
  try {
    const spec = ns.compile(bytes, { name });
    const diagnostics = spec.warnings.slice();
    spec.free();
    return { diagnostics, exit: 0 };
  } catch (e) {
    assert.ok(e instanceof ns.NetspecError, `not a NetspecError: ${e && e.stack}`);
    assert.equal(e.kind, 'compile', e.message);
    return { diagnostics: e.diagnostics, exit: 1 };
  }
}

function runSubmission(spec, bytes) {
  try {
    return { diagnostics: spec.evaluate(bytes).warnings, exit: 0 };
  } catch (e) {
    assert.ok(e instanceof ns.NetspecError, `not a NetspecError: ${e && e.stack}`);
    assert.equal(e.kind, 'submission', e.message);
    const notText = e.diagnostics.some((d) => d.code === 'NS0207' || d.code === 'NS0309');
    return { diagnostics: e.diagnostics, exit: notText ? 2 : 1 };
  }
}

// null when the case holds, else why not
function check(c, got) {
  const shown = () => JSON.stringify(got.diagnostics.map((d) => `${d.code} ${d.severity} ${d.path ?? ''}${d.line ?? ''}:${d.column ?? ''} ${d.message}`)).slice(0, 2000);
  if (got.exit !== c.expect.exit) return `exit ${c.expect.exit} expected, the CLI would give ${got.exit}: ${shown()}`;
  if (c.expect.code === null) {
    return got.diagnostics.some((d) => d.severity === 'error') ? `no error expected: ${shown()}` : null;
  }
  const d = got.diagnostics.find((x) => x.code === c.expect.code);
  if (d === undefined) return `${c.expect.code} expected: ${shown()}`;
  if (d.severity !== c.expect.severity) return `${c.expect.code} is a ${d.severity}, expected ${c.expect.severity}`;
  if (c.kind === 'spec') {
    const line = c.expect.line ?? null;
    const column = c.expect.column ?? null;
    if (line !== null && column !== null && (d.line !== line || d.column !== column)) {
      return `${c.expect.code} at ${d.line}:${d.column}, expected at ${line}:${column}: ${shown()}`;
    }
  } else {
    const want = c.expect.path ?? undefined;
    if (d.path !== want) return `${c.expect.code} at ${JSON.stringify(d.path)}, expected at ${JSON.stringify(want)}: ${shown()}`;
  }
  return null;
}

test('the bad-input catalogue through the WebAssembly package', () => {
  const specText = fs.readFileSync(path.join(DIR, catalogue.submission_spec), 'utf8');
  const spec = ns.compile(specText, { name: 'submission_spec.netspec' });
  const baseline = spec.evaluateJson(GOOD);
  assert.equal(JSON.parse(baseline).warnings.length, 0);

  const failed = [];
  const names = new Set();
  let specs = 0;
  let submissions = 0;
  for (const c of catalogue.cases) {
    assert.ok(!names.has(c.name), `${c.name}: name used twice`);
    names.add(c.name);
    assert.ok(c.kind === 'spec' || c.kind === 'submission', `${c.name}: kind ${c.kind}`);
    const bytes = input(c);
    const got = c.kind === 'spec'
      ? runSpec(c.file || 'generated.netspec', bytes)
      : runSubmission(spec, bytes);
    if (c.kind === 'spec') specs += 1; else submissions += 1;
    const why = check(c, got);
    if (why !== null) failed.push(`${c.name}: ${why}`);
    // the same module goes on as before
    assert.equal(spec.evaluateJson(GOOD), baseline, `${c.name}: the next evaluation differs`);
    ns.compile(specText, { name: 'submission_spec.netspec' }).free();
  }
  assert.deepEqual(failed, [], `${failed.length} case(s) failed:\n${failed.join('\n\n')}`);
  assert.ok(specs > 0 && submissions > 0);
  console.log(`bad-input catalogue: ${specs} spec and ${submissions} submission cases checked`);
});

test('bytes and text give the same results', () => {
  const specText = fs.readFileSync(path.join(DIR, catalogue.submission_spec), 'utf8');
  const fromText = ns.compile(specText, { name: 'submission_spec.netspec' });
  const fromBytes = ns.compile(new TextEncoder().encode(specText), { name: 'submission_spec.netspec' });
  assert.equal(fromBytes.id, fromText.id);
  const good = GOOD.toString('utf8');
  const expected = fromText.evaluateJson(good);
  // a Uint8Array, a Buffer, another view over part of a buffer, an ArrayBuffer
  const padded = new Uint8Array(GOOD.length + 4);
  padded.set(GOOD, 2);
  for (const bytes of [new Uint8Array(GOOD), GOOD, new DataView(padded.buffer, 2, GOOD.length),
    new Uint8Array(GOOD).buffer]) {
    assert.equal(fromBytes.evaluateJson(bytes), expected);
  }
  // a used file given as bytes
  const root = 'spec r "R" { version "1" }\nuse "common/x.netspec"\n'
    + 'area resources { requirement R-1 must "Beds" { beds > 0 } }\n';
  const used = new TextEncoder().encode('inputs { beds: int min 0 "Beds" }\n');
  const withUsed = ns.compile(root, { name: 'r.netspec', files: { 'common/x.netspec': used } });
  assert.equal(withUsed.evaluate({ header: HEADER, beds: 2 }).requirements[0].outcome, 'met');
  // a used file that is not UTF-8 names the file
  assert.throws(() => ns.compile(root, { name: 'r.netspec', files: { 'common/x.netspec': Uint8Array.of(0x69, 0xc3) } }),
    (e) => e instanceof ns.NetspecError && e.kind === 'compile' && e.code === 'NS0309'
      && e.message.startsWith('common/x.netspec: ') && /offset 1/.test(e.message));
  // a submission that is not UTF-8: NS0309 naming the offset of the bad byte
  assert.throws(() => fromText.evaluate(Uint8Array.of(0x7b, 0x22, 0xff, 0x22, 0x7d)),
    (e) => e instanceof ns.NetspecError && e.kind === 'submission' && e.code === 'NS0309'
      && /offset 2/.test(e.diagnostics[0].message));
  // other objects are still answers, not bytes
  assert.equal(fromText.evaluate({ header: HEADER, beds: 3, occupancy: 80, role: 'level2_unit', units: [{ name: 'A', beds: 3 }] }).warnings.length, 0);
});
