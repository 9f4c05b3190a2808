// Errors: every diagnostic code reaches JavaScript as a structured NetspecError;
// malformed input of every kind is a clear error, never a trap; the module
// keeps working after any error, even after a panic inside it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const ns = require('..');
const { discover, submissionOf, SMALL_SPEC, HEADER } = require('./support/corpus');

// These tests are about other things than the header: submissions without one
// are evaluated as from a provider (the header's own errors are tested in
// api.test.js and by the conformance corpus).
const U = Object.freeze({ unattributed: 'provider' });

const { NetspecError } = ns;

function stillWorks() {
  const spec = ns.compile(SMALL_SPEC);
  const r = spec.evaluate({ beds: 4, nurses: 3 }, U);
  assert.equal(r.requirements[0].outcome, 'not_met');
  assert.equal(r.requirements[0].explanation[0].message, 'Nurses on a day shift: 3; needs at least 4 (Funded beds)');
}

// Runs `fn`, which must throw a NetspecError of `kind` (never a trap), and
// checks the module still works afterwards.
function throwsNetspec(fn, kind, code) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, 'expected an error');
  assert.ok(err instanceof NetspecError, `not a NetspecError: ${err && err.stack}`);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'NetspecError');
  assert.equal(err.kind, kind, err.message);
  if (code !== undefined) assert.equal(err.code, code, err.message);
  assert.ok(err.message.length > 0);
  assert.ok(Array.isArray(err.diagnostics));
  stillWorks();
  return err;
}

// ------------------------------------------------------------------ every code
// Codes that cannot arise through this API.
const UNREACHABLE = {
  NS0107: 'reserved: the bundled specs\' tests fail a requirement without basis; the language never emits it',
  NS0311: 'a path refused by the confined file reader: this package reads no files (used files come through `files`)',
};

const LIST_SPEC = 'spec l "L" { version "1" }\ninputs { xs: list "Items" { v: int "V" } }\n'
  + 'area resources { requirement R-1 must "ordered" { all a in xs: all b in xs: a.v <= b.v + 100000 } }\n';
const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

// What each resource-limit code (NS03xx) comes from with the default limits,
// and other codes the corpus may not raise through JavaScript.
// Each returns the diagnostics that came back (thrown or in the report).
function diagnosticsOf(fn) {
  try {
    const r = fn();
    return r && Array.isArray(r.warnings) ? r.warnings : [];
  } catch (e) {
    assert.ok(e instanceof NetspecError, String(e));
    assert.notEqual(e.kind, 'internal', e.message);
    return e.diagnostics;
  }
}
const LIMIT_TRIGGERS = {
  // (not a limit, but only JSON text can have it: JavaScript objects have no duplicate keys)
  NS0210: () => diagnosticsOf(() => ns.compile(SMALL_SPEC).evaluate('{"beds": 1, "nurses": 2, "beds": 3}', U)),
  NS0301: () => diagnosticsOf(() => ns.compile(`${SMALL_SPEC}// ${'x'.repeat(4 * 1024 * 1024)}\n`)),
  NS0302: () => diagnosticsOf(() => ns.compile(`spec b "B" { version "1" }\ninputs {\n${lines(5001, (i) => `  i${i}: int "Q${i}"`)}\n}\n`)),
  NS0303: () => diagnosticsOf(() => ns.compile(`spec b "B" { version "1" }\ninputs { x: int "X" }\narea resources {\n${lines(5001, (i) => `  requirement R-${i} must "T${i}" { x > ${i} }`)}\n}\n`)),
  NS0304: () => diagnosticsOf(() => ns.compile(`spec b "B" { version "1" }\ninputs { x: int "X" }\n${lines(5001, (i) => `let d${i} = x + ${i}`)}\narea resources { requirement R-1 must "T" { d0 > 0 } }\n`)),
  NS0305: () => diagnosticsOf(() => ns.compile(SMALL_SPEC).evaluate(`{"beds": 1, "notes": "${'x'.repeat(4 * 1024 * 1024)}"}`, U)),
  NS0306: () => diagnosticsOf(() => ns.compile(SMALL_SPEC).evaluate(`{"beds": ${'['.repeat(100)}${']'.repeat(100)}}`, U)),
  NS0307: () => diagnosticsOf(() => ns.compile(LIST_SPEC).evaluate({ xs: Array.from({ length: 10001 }, (_, v) => ({ v })) }, U)),
  NS0308: () => diagnosticsOf(() => ns.compile(LIST_SPEC).evaluate({ xs: Array.from({ length: 5000 }, (_, v) => ({ v })) }, U)),
  // (not a limit: bytes given as a Uint8Array that are not UTF-8)
  NS0309: () => diagnosticsOf(() => ns.compile(SMALL_SPEC).evaluate(Uint8Array.of(0x7b, 0xff, 0x7d), U)),
  NS0310: () => diagnosticsOf(() => ns.compile(LIST_SPEC).evaluate({ xs: Array.from({ length: 150 }, () => ({ v: 'no' })) }, U)),
};

test('every diagnostic code surfaces as a structured error or warning', () => {
  const seen = new Map(); // code -> where
  const cases = discover().filter((c) => !c.file.known_bug);
  for (const c of cases) {
    const e = c.file.expect;
    const errors = (e.diagnostics || []).filter((d) => (d.severity || 'error') === 'error');
    if (errors.length > 0) {
      const err = throwsNetspec(() => ns.compile(c.source, { name: c.specName, files: c.files }), 'compile');
      assert.match(err.message, /error/);
      assert.ok(err.rendered.includes(`error[${err.code}]`), err.rendered);
      for (const want of errors) {
        const file = want.file || c.specName;
        const got = err.diagnostics.find((d) => d.code === want.code && d.line === want.line
          && d.column === want.column && d.file === file);
        assert.ok(got, `${c.id}: no ${want.code} at ${file}:${want.line}:${want.column} in ${JSON.stringify(err.diagnostics)}`);
        assert.equal(got.severity, 'error');
        assert.equal(typeof got.message, 'string');
        assert.ok(got.span.start <= got.span.end);
        assert.ok(got.endLine >= got.line);
        assert.deepEqual(got.location, {
          file: got.file, start: got.span.start, end: got.span.end, line: got.line,
          column: got.column, end_line: got.endLine, end_column: got.endColumn,
        });
        seen.set(want.code, c.id);
      }
      continue;
    }
    const subErrors = e.submission_errors || [];
    const warnings = e.warnings || [];
    if (subErrors.length === 0 && warnings.length === 0) continue;
    const spec = ns.compile(c.source, { name: c.specName, files: c.files });
    let diagnostics;
    if (subErrors.length > 0) {
      const err = throwsNetspec(() => spec.evaluate(submissionOf(c), { asOf: c.file.as_of }), 'submission');
      diagnostics = err.diagnostics;
      assert.equal(err.code, diagnostics.find((d) => d.severity === 'error').code);
    } else {
      diagnostics = spec.evaluate(submissionOf(c), { asOf: c.file.as_of }).warnings;
    }
    for (const want of [...subErrors, ...warnings]) {
      const path = want.path === null || want.path === undefined ? undefined : want.path;
      const got = diagnostics.find((d) => d.code === want.code && d.path === path);
      assert.ok(got, `${c.id}: no ${want.code} at ${path} in ${JSON.stringify(diagnostics)}`);
      seen.set(want.code, c.id);
    }
    spec.free();
  }
  // compile warnings (lints) are structured the same way, in spec.warnings
  const lintSrc = 'spec w "W" { version "1" }\ninputs { x: int "X"\n  unused: int "Unused" }\n'
    + 'area resources {\n  requirement R-1 must "Same" { x > 0 }\n  requirement R-2 must "Same" { 1 > 0 }\n'
    + '  requirement R-3 must "Always" { x >= 1 or true }\n}\narea workforce { }\n';
  const linted = ns.compile(lintSrc, { name: 'w.netspec' });
  for (const d of linted.warnings) {
    assert.equal(d.severity, 'warning');
    assert.equal(d.file, 'w.netspec');
    assert.ok(d.line >= 1 && d.column >= 1, JSON.stringify(d));
    seen.set(d.code, 'lint spec');
  }
  for (const c of cases) {
    const warned = (c.file.expect.diagnostics || []).filter((d) => d.severity === 'warning');
    if (warned.length === 0 || (c.file.expect.diagnostics || []).some((d) => (d.severity || 'error') === 'error')) continue;
    const spec = ns.compile(c.source, { name: c.specName, files: c.files });
    for (const want of warned) {
      const file = want.file || c.specName;
      assert.ok(spec.warnings.some((d) => d.code === want.code && d.line === want.line && d.column === want.column && d.file === file),
        `${c.id}: no warning ${want.code} at ${file}:${want.line}:${want.column}`);
      seen.set(want.code, c.id);
    }
    spec.free();
  }
  // and the ones this package raises itself
  throwsNetspec(() => ns.compile(SMALL_SPEC).evaluate({}, { asOf: '2025-02-30', unattributed: 'provider' }), 'submission', 'NS0208');
  seen.set('NS0208', seen.get('NS0208') || 'asOf');
  // a submission without a header evaluated as from a respondent (the `unattributed` option)
  const unattributed = ns.compile(SMALL_SPEC).evaluate({ beds: 1, nurses: 1 }, { unattributed: 'network' });
  const ns0217 = unattributed.warnings.find((d) => d.code === 'NS0217');
  assert.ok(ns0217, JSON.stringify(unattributed.warnings));
  assert.equal(ns0217.severity, 'warning');
  assert.equal(typeof ns0217.message, 'string');
  seen.set('NS0217', 'unattributed');
  // the FHIR import's codes, from the mapping's conformance cases
  // (tests/fhir/cases/errors_*.json): each with its pointer and FHIR path
  const fhirDir = require('node:path').join(__dirname, '..', '..', '..', 'tests', 'fhir', 'cases');
  const fs = require('node:fs');
  for (const name of fs.readdirSync(fhirDir).filter((f) => f.startsWith('errors_') && f.endsWith('.json')).sort()) {
    const c = JSON.parse(fs.readFileSync(require('node:path').join(fhirDir, name), 'utf8'));
    if (!c.errors) continue;
    const spec = ns.compile(fs.readFileSync(require('node:path').join(fhirDir, c.spec), 'utf8'), { name: c.spec });
    const err = throwsNetspec(() => spec.fromFhir(c.response), 'submission');
    const errors = err.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, c.errors.length, `${name}: ${JSON.stringify(errors)}`);
    c.errors.forEach((want, i) => {
      assert.equal(errors[i].code, want.code, name);
      assert.equal(errors[i].path, want.path, name);
      assert.ok(errors[i].notes.includes(`FHIR path: ${want.fhir_path}`), `${name}: ${JSON.stringify(errors[i])}`);
      seen.set(want.code, `fhir ${name}`);
    });
    spec.free();
  }
  // a refused compiled document, from the form's module (pkg/form-node)
  const form = require('../pkg/core.cjs').createApi(require('../pkg/form-node/netspec_form_wasm.js'));
  throwsNetspec(() => form.loadCompiled('{"format": 2, "engine": "0.0.1"}'), 'compile', 'NS0312');
  seen.set('NS0312', 'form module');
  // resource limits, checked here for the codes this engine has
  const known = new Set(ns.codes().map((c) => c.code));
  for (const [code, trigger] of Object.entries(LIMIT_TRIGGERS)) {
    if (!known.has(code)) continue;
    const diagnostics = trigger();
    assert.ok(diagnostics.some((d) => d.code === code), `${code}: not raised; got ${JSON.stringify(diagnostics).slice(0, 500)}`);
    seen.set(code, 'limits');
  }
  for (const code of Object.keys(UNREACHABLE)) seen.set(code, UNREACHABLE[code]);
  const missing = [...known].filter((code) => !seen.has(code));
  assert.deepEqual(missing, [], `codes no test raised: ${missing.join(', ')}`);
  console.log(`diagnostic codes: all ${seen.size} raised and checked (code, line/column or path)`);
});

test('a spec error has code, line, column, span, file, help and a rendering', () => {
  const src = 'spec s "S" { version "1" }\ninputs { beds: int "Beds" }\narea resources {\n  requirement R-1 must "t" { bedz > 0 }\n}\n';
  const err = throwsNetspec(() => ns.compile(src, { name: 'dir/s.netspec' }), 'compile', 'NS0002');
  const d = err.diagnostics[0];
  assert.equal(d.code, 'NS0002');
  assert.equal(d.severity, 'error');
  assert.equal(d.file, 'dir/s.netspec');
  assert.equal(d.line, 4);
  assert.equal(d.column, 30);
  assert.deepEqual(d.span, { start: src.indexOf('bedz'), end: src.indexOf('bedz') + 4 });
  assert.equal(d.help, 'did you mean `beds`?');
  assert.deepEqual(d.notes, []);
  assert.match(err.message, /NS0002/);
  assert.match(err.rendered, /--> dir\/s.netspec:4:30/);
});

test('JSON that does not parse: NS0207 with the line and column in the submission text', () => {
  const spec = ns.compile(SMALL_SPEC);
  const err = throwsNetspec(() => spec.evaluate('{\n  "beds": 3,,\n}', U), 'submission', 'NS0207');
  assert.equal(err.diagnostics[0].line, 2);
  assert.equal(err.diagnostics[0].column, 13);
  assert.match(err.diagnostics[0].message, /not valid JSON/);
});

test('wrong types in a submission: every error with its JSON pointer', () => {
  const spec = ns.compile(SMALL_SPEC);
  const err = throwsNetspec(() => spec.evaluate({ beds: 'four', nurses: -1, extra: 1 }, U), 'submission', 'NS0201');
  const byPath = Object.fromEntries(err.diagnostics.map((d) => [d.path, d.code]));
  assert.deepEqual(byPath, { '/beds': 'NS0201', '/nurses': 'NS0202', '/extra': 'NS0205' });
  assert.equal(err.diagnostics.find((d) => d.path === '/extra').severity, 'warning');
  assert.ok(err.rendered.includes('NS0201'));
});

test('a submission that is not an object', () => {
  const spec = ns.compile(SMALL_SPEC);
  for (const sub of [[], [1, 2], 'null', '42', '"text"', null, 42, true]) {
    throwsNetspec(() => spec.evaluate(sub, U), 'submission', 'NS0206');
  }
});

// ------------------------------------------------------------------ malformed input
test('not JSON at all', () => {
  const spec = ns.compile(SMALL_SPEC);
  for (const text of ['', ' ', 'beds: 3', '{', '}', '{"beds": 3', "{'beds': 3}", '{"beds": NaN}', '\u0000', '\uFEFF', '{"a":1}{"b":2}']) {
    const err = throwsNetspec(() => spec.evaluate(text, U), 'submission', 'NS0207');
    assert.equal(typeof err.diagnostics[0].line, 'number');
  }
});

test('huge numbers', () => {
  const spec = ns.compile(SMALL_SPEC);
  // as text: the engine decides (a clear submission error or a report), never a trap
  for (const text of [
    '{"beds": 1e400, "nurses": 1}',
    '{"beds": -1e400}',
    '{"beds": 123456789012345678901234567890, "nurses": 1}',
    `{"beds": ${'9'.repeat(5000)}}`,
    '{"beds": 1.5}',
    '{"beds": 1e-400}',
    `{"beds": 0.${'0'.repeat(5000)}1}`,
  ]) {
    try {
      const r = spec.evaluate(text, U);
      assert.equal(r.requirements.length, 1);
    } catch (e) {
      assert.ok(e instanceof NetspecError, String(e));
      assert.equal(e.kind, 'submission', e.message);
      assert.match(e.code, /^NS02/);
    }
    stillWorks();
  }
  // as objects: numbers JSON cannot hold are errors with a pointer
  let err = throwsNetspec(() => spec.evaluate({ beds: Infinity }, U), 'submission', 'NS0207');
  assert.equal(err.diagnostics[0].path, '/beds');
  err = throwsNetspec(() => spec.evaluate({ beds: 1, nurses: NaN }, U), 'submission', 'NS0207');
  assert.equal(err.diagnostics[0].path, '/nurses');
  err = throwsNetspec(() => spec.evaluate({ list: [1, { 'a/b': -Infinity }] }, U), 'submission', 'NS0207');
  assert.equal(err.diagnostics[0].path, '/list/1/a~1b');
  err = throwsNetspec(() => spec.evaluate({ beds: 2n ** 80n }, U), 'submission', 'NS0207');
  assert.equal(err.diagnostics[0].path, '/beds');
  // a BigInt that fits is a number
  assert.equal(spec.evaluate({ beds: 3n, nurses: 3n }, U).requirements[0].outcome, 'met');
});

test('10,000-deep nested arrays and objects', () => {
  const spec = ns.compile(SMALL_SPEC);
  const depth = 10000;
  const texts = [
    '['.repeat(depth) + ']'.repeat(depth),
    `{"beds": ${'['.repeat(depth)}${']'.repeat(depth)}}`,
    '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    '['.repeat(depth),
  ];
  // text: the engine's reader stops at 64 levels (NS0306), unclosed or not
  for (const text of texts) throwsNetspec(() => spec.evaluate(text, U), 'submission', 'NS0306');
  // objects: the package refuses to write them as JSON text first (NS0207)
  const tooDeep = (fn) => assert.match(throwsNetspec(fn, 'submission', 'NS0207').message, /nested too deeply/);
  let deep = [];
  for (let i = 0; i < depth; i += 1) deep = [deep];
  tooDeep(() => spec.evaluate(deep, U));
  tooDeep(() => spec.evaluate({ beds: deep }, U));
  let obj = {};
  for (let i = 0; i < depth; i += 1) obj = { a: obj };
  tooDeep(() => spec.evaluate({ beds: 1, nested: obj }, U));
  // far deeper than JSON.stringify can go
  let deeper = [];
  for (let i = 0; i < 1000000; i += 1) deeper = [deeper];
  const err = throwsNetspec(() => spec.evaluate({ beds: deeper }, U), 'submission', 'NS0207');
  assert.match(err.message, /nested too deeply/);
});

test('submissions JSON cannot express', () => {
  const spec = ns.compile(SMALL_SPEC);
  const cyclic = { beds: 1 };
  cyclic.self = cyclic;
  const err = throwsNetspec(() => spec.evaluate(cyclic, U), 'submission', 'NS0207');
  assert.match(err.message, /circular/i);
  const throwing = { toJSON() { throw new Error('no'); } };
  throwsNetspec(() => spec.evaluate(throwing, U), 'submission', 'NS0207');
  throwsNetspec(() => spec.evaluate(undefined, U), 'usage');
  throwsNetspec(() => spec.evaluate(() => 1, U), 'usage');
  throwsNetspec(() => spec.evaluate(Symbol('s'), U), 'usage');
  // undefined members are left out, as JSON does: unanswered
  assert.equal(spec.evaluate({ beds: 1, nurses: undefined }, U).requirements[0].outcome, 'incomplete');
});

test('big inputs (within the engine\'s limits)', () => {
  const spec = ns.compile(SMALL_SPEC);
  const r = spec.evaluate({ header: HEADER, beds: 1, nurses: 1, notes: 'x'.repeat(1_000_000) });
  assert.equal(r.warnings[0].code, 'NS0205');
  const many = { header: HEADER, beds: 1, nurses: 1 };
  for (let i = 0; i < 5000; i += 1) many[`k${i}`] = i;
  const warned = spec.evaluate(many).warnings;
  assert.ok(warned.length >= 100, `${warned.length} warnings`);
  assert.ok(warned.every((d) => d.code === 'NS0205' || d.code === 'NS0310'));
  const src = `${SMALL_SPEC}// ${'comment '.repeat(200000)}\n`;
  assert.equal(ns.compile(src).id, 'small');
  const list = ns.compile(LIST_SPEC).evaluate({ xs: Array.from({ length: 1000 }, (_, v) => ({ v })) }, U);
  assert.equal(list.requirements[0].outcome, 'met');
  stillWorks();
});

test('deep nesting in specs is a diagnostic, not a crash', () => {
  const head = 'spec d "D" { version "1" }\ninputs { x: int "X" }\n';
  const req = (rule) => `${head}area resources { requirement R-1 must "t" { ${rule} } }\n`;
  const specs = {
    parens: req(`${'('.repeat(10000)}x > 0${')'.repeat(10000)}`),
    brackets: req(`x in ${'['.repeat(10000)}1${']'.repeat(10000)}`),
    braces: head + '{'.repeat(10000),
    unclosed: req('('.repeat(100000)),
    prefix: req(`${'not '.repeat(10000)}x > 0`),
    minus: req(`${'-'.repeat(10000)}x > 0`),
    sum: req(`x${' + x'.repeat(10000)} > 0`),
    and: req(`x > 0${' and x > 0'.repeat(10000)}`),
    fields: req(`x${'.a'.repeat(10000)} > 0`),
    ifs: req(`${'if x > 0 then '.repeat(10000)}true${' else false'.repeat(10000)}`),
  };
  for (const [name, src] of Object.entries(specs)) {
    const err = throwsNetspec(() => ns.compile(src), 'compile');
    // grammar/README.md §10: nesting past the limits is NS0026, found before parsing
    assert.equal(err.code, 'NS0026', `${name}: ${err.message}`);
    assert.equal(typeof err.diagnostics[0].line, 'number');
  }
  // within the limits the deep specs work
  assert.equal(ns.compile(req(`${'('.repeat(50)}x > 0${')'.repeat(50)}`)).evaluate({ x: 1 }, U).requirements[0].outcome, 'met');
  assert.equal(ns.compile(req(`x${' + x'.repeat(50)} > 0`)).evaluate({ x: 1 }, U).requirements[0].outcome, 'met');
});

test('every depth the engine accepts runs in WebAssembly without running out of stack', () => {
  // For each deep shape, from depth 1 until the engine says NS0026 (or 1200):
  // compile, evaluate with and without explanations, the form model. No
  // depth may trap: the engine's limits must fit the module's stack.
  const head = 'spec d "D" { version "1" }\ninputs { x: int "X"\n xs: list "L" { v: int "V"\n ys: list "M" { w: int "W" } } }\n';
  const req = (rule) => `${head}area resources { requirement R-1 must "t" { ${rule} } }\n`;
  const shapes = {
    plus: (n) => req(`x${' + x'.repeat(n)} > 0`),
    and: (n) => req(`x > 0${' and x > 0'.repeat(n)}`),
    or: (n) => req(`x < 0${' or x < 0'.repeat(n)} or x > 0`),
    implies: (n) => req(`x > 0${' implies x > 0'.repeat(n)}`),
    parens: (n) => req(`${'('.repeat(n)}x > 0${')'.repeat(n)}`),
    ifelse: (n) => req(`${'if x > 0 then '.repeat(n)}true${' else false'.repeat(n)}`),
    not: (n) => req(`${'not '.repeat(n)}x > 0`),
    minus: (n) => req(`${'-'.repeat(n)}x < 1`),
    lets: (n) => `${head}${lines(n, (i) => `let v${i} = ${i ? `v${i - 1}` : 'x'} + 1`)}\narea resources { requirement R-1 must "t" { v${n - 1} > 0 } }\n`,
    letsums: (n) => `${head}${lines(n, (i) => `let v${i} = ${i ? `v${i - 1} + v${i - 1}` : 'x'}`)}\narea resources { requirement R-1 must "t" { v${n - 1} > 0 } }\n`,
    body: (n) => req(`all u in xs: ${'u.v > 0 and '.repeat(n)}true`),
    quantifiers: (n) => req(`${lines(n, (i) => `all u${i} in xs: `).replace(/\n/g, '')}x > 0`),
    nested: (n) => req(`${lines(n, (i) => `all u${i} in xs: all y${i} in u${i}.ys: `).replace(/\n/g, '')}x > 0`),
    sum: (n) => req(`sum(u.v${' + u.v'.repeat(n)} for u in xs) > 0`),
  };
  const sub = { x: 1, xs: [{ v: 1, ys: [{ w: 1 }] }, { v: 2, ys: [] }] };
  const reached = {};
  for (const [name, make] of Object.entries(shapes)) {
    let deepest = 0;
    for (let n = 1; n <= 1200; n = n < 40 ? n + 1 : Math.ceil(n * 1.2)) {
      try {
        const spec = ns.compile(make(n));
        spec.evaluate(sub, U);
        spec.evaluate(sub, { explanations: false, unattributed: 'provider' });
        spec.inputs();
        spec.free();
        deepest = n;
      } catch (e) {
        assert.ok(e instanceof NetspecError, String(e));
        assert.notEqual(e.kind, 'internal', `${name} at depth ${n}: ${e.message}`);
        if (e.code === 'NS0026') break;
        assert.fail(`${name} at depth ${n}: ${e.message}`);
      }
    }
    assert.ok(deepest >= 1, `${name}: not even depth 1 compiles`);
    reached[name] = deepest;
  }
  console.log(`deepest accepted: ${JSON.stringify(reached)}`);
  stillWorks();
});

test('long chains of definitions: an error, and the module keeps working', () => {
  const head = 'spec d "D" { version "1" }\ninputs { x: int "X" }\n';
  const chain = (n) => `${head}${Array.from({ length: n }, (_, i) => `let v${i} = ${i ? `v${i - 1}` : 'x'} + 1`).join('\n')}\n`
    + `area resources { requirement R-1 must "t" { v${n - 1} > 0 } }\n`;
  assert.equal(ns.compile(chain(20)).evaluate({ x: 1 }, U).requirements[0].outcome, 'met');
  const before = ns.compile(SMALL_SPEC);
  let err;
  try {
    ns.compile(chain(5000)).evaluate({ x: 1 }, U);
  } catch (e) {
    err = e;
  }
  // definitions depending on one another more than 32 deep: NS0026, not a trap
  assert.ok(err instanceof NetspecError, String(err));
  assert.equal(err.kind, 'compile', err.message);
  assert.equal(err.code, 'NS0026', err.message);
  // a spec compiled before the error still works (recompiled if the engine restarted)
  assert.equal(before.evaluate({ beds: 1, nurses: 1 }, U).requirements[0].outcome, 'met');
  stillWorks();
});

test('a chain of deep definitions within every limit of its own: an error, not a trap', () => {
  // 32 definitions, each 60 `not`s before the one below: each within the
  // limits of one expression and the chain within 32, but checking it once
  // went a level of the stack per expression through the whole chain
  const lets = Array.from({ length: 32 }, (_, i) => `let a${i} = ${i ? `${'not '.repeat(60)}a${i - 1}` : 'x > 0'}`);
  const src = `spec d "D" { version "1" }\ninputs { x: int "X" }\n${lets.join('\n')}\n`
    + 'area resources { requirement R-1 must "t" { a31 } }\n';
  const err = throwsNetspec(() => ns.compile(src), 'compile');
  assert.equal(err.code, 'NS0026', err.message);
  assert.match(err.message, /nests more than 128 levels deep through its definitions/);
  stillWorks();
});

// ------------------------------------------------------------------ bad calls
test('bad arguments are usage errors', () => {
  const spec = ns.compile(SMALL_SPEC);
  throwsNetspec(() => ns.compile(42), 'usage');
  throwsNetspec(() => ns.compile(), 'usage');
  throwsNetspec(() => ns.compile(SMALL_SPEC, 'name.netspec'), 'usage');
  throwsNetspec(() => ns.compile(SMALL_SPEC, { file: {} }), 'usage');
  throwsNetspec(() => ns.compile(SMALL_SPEC, { name: '' }), 'usage');
  throwsNetspec(() => ns.compile(SMALL_SPEC, { name: 3 }), 'usage');
  throwsNetspec(() => ns.compile(SMALL_SPEC, { files: [] }), 'usage');
  throwsNetspec(() => ns.compile(SMALL_SPEC, { files: { 'a.netspec': 1 } }), 'usage');
  throwsNetspec(() => ns.compile(SMALL_SPEC, { tests: 'no' }), 'usage');
  // odd file names are just names
  assert.equal(ns.compile(SMALL_SPEC, { files: JSON.parse('{"__proto__": "x", "constructor": "y"}') }).id, 'small');
  throwsNetspec(() => spec.evaluate({}, { asOf: 20250630 }), 'usage');
  throwsNetspec(() => spec.evaluate({}, { asOf: new Date() }), 'usage');
  throwsNetspec(() => spec.evaluate({}, { explanations: 'yes' }), 'usage');
  throwsNetspec(() => spec.evaluate({}, { pretty: true }), 'usage');
  throwsNetspec(() => spec.evaluateJson({}, { pretty: 1 }), 'usage');
  throwsNetspec(() => spec.evaluate({}, 'x'), 'usage');
  for (const bad of ['2025-02-30', '30/06/2025', '2025-6-30', '', 'today']) {
    const err = throwsNetspec(() => spec.evaluate({}, { asOf: bad, unattributed: 'provider' }), 'submission', 'NS0208');
    assert.equal(err.diagnostics[0].help, 'write the assessment date as YYYY-MM-DD, e.g. 2025-06-30');
  }
  throwsNetspec(() => ns.explain(2), 'usage');
  assert.throws(() => new ns.Spec(), NetspecError);
  // the source may hold any text
  for (const src of ['', '\u0000', '\uD800', '\uFEFF', 'spec \u{1F600} "x"', '"'.repeat(10000)]) {
    throwsNetspec(() => ns.compile(src), 'compile');
  }
});

test('a freed spec says so', () => {
  const spec = ns.compile(SMALL_SPEC);
  spec.free();
  spec.free();
  const err = throwsNetspec(() => spec.evaluate({}, U), 'usage');
  assert.match(err.message, /freed/);
});

// ------------------------------------------------------------------ traps
test('a panic inside the engine becomes an internal error and the engine restarts', () => {
  const spec = ns.compile(SMALL_SPEC);
  assert.equal(spec.evaluate({ beds: 1, nurses: 2 }, U).requirements[0].outcome, 'met');
  for (let i = 0; i < 3; i += 1) {
    const err = throwsNetspec(() => ns.__panicForTests(`boom ${i}`), 'internal');
    assert.match(err.message, new RegExp(`boom ${i}`));
    assert.ok(err.cause instanceof Error);
    assert.deepEqual(err.diagnostics, []);
  }
  // the spec compiled before the restart still works: it recompiles from its source
  assert.equal(spec.evaluate({ beds: 1, nurses: 2 }, U).requirements[0].outcome, 'met');
  assert.equal(spec.id, 'small');
  assert.equal(spec.inputs()[0].questions.length, 2);
});

// ------------------------------------------------------------------ limits at their boundaries
// Every documented limit (grammar/README.md §10) with the largest value
// allowed, which works, and the next, which is refused with the documented
// code and nothing else: the same values as the library's and the CLI's tests
// (crates/netspec-core/tests/common/limit_cases.rs), worked out from the
// documentation (the area's and requirement's braces are two bracket levels,
// an operator chain of k operands is k deep, the top-level object is one JSON
// level). In WebAssembly a trap or another code is a failure.
const L_HEAD = 'spec s "S" { version "1" }\ninputs "I" {\n  a: bool "A"\n  n: int "N"\n  units: list "U" {\n    ok: bool "OK"\n  }\n}\n';
const withRule = (rule) => `${L_HEAD}area quality {\n  requirement Q-01 must "t" { ${rule} }\n}\n`;
const MIB4 = 4 * 1024 * 1024;
const padTo = (text, len) => `${text}//${'x'.repeat(len - text.length - 3)}\n`;
const repeatJoin = (s, k, sep) => Array(k).fill(s).join(sep);
const L_IFS = (k) => {
  const groups = [];
  for (let i = 0; i < k; i += 64) groups.push(`(${repeatJoin('(if a then a else a)', Math.min(64, k - i), ' and ')})`);
  return withRule(groups.join(' and '));
};
const L_ALLS = (k) => withRule(`${Array.from({ length: k }, (_, i) => `all u${i} in units: `).join('')}a`);
const L_SUMS = (k) => {
  let e = '1';
  for (let i = 0; i < k; i++) e = `sum(${e} for u${i} in units)`;
  return withRule(`${e} > 0`);
};
const L_LETS = (k, reverse) => {
  const lets = Array.from({ length: k }, (_, j) => (j === 0 ? 'let v1 = n + 1\n' : `let v${j + 1} = v${j} + 1\n`));
  if (reverse) lets.reverse();
  return `${L_HEAD}${lets.join('')}area quality {\n  requirement Q-01 must "t" { v${k} > 0 }\n}\n`;
};
const L_INPUTS = (k) => `spec s "S" { version "1" }\ninputs "I" {\n${lines(k, (i) => `  i${i}: int "Q${i}"`)}\n}\narea quality {\n  requirement Q-01 must "t" { i0 > 0 }\n}\n`;
const L_REQS = (k) => `${L_HEAD}area quality {\n${lines(k, (i) => `  requirement R-${i} must "T${i}" { n > ${i} }`)}\n}\n`;
const L_LETS_MANY = (k) => `${L_HEAD}${lines(k, (i) => `let d${i} = n + ${i}`)}\narea quality {\n  requirement Q-01 must "t" { d0 > 0 }\n}\n`;

const SPEC_LIMITS = [
  ['max_depth: parentheses', 'NS0026', (k) => withRule(`${'('.repeat(k)}a${')'.repeat(k)}`), 126],
  ['max_depth: calls', 'NS0026', (k) => withRule(`${'abs('.repeat(k)}n${')'.repeat(k)} > 0`), 126],
  ['max_depth: `and` chain', 'NS0026', (k) => withRule(repeatJoin('a', k, ' and ')), 128],
  ['max_prefix_run: not', 'NS0026', (k) => withRule(`${'not '.repeat(k)}a`), 64],
  ['max_prefix_run: -', 'NS0026', (k) => withRule(`${'- '.repeat(k)}n > 0`), 64],
  ['max_implies', 'NS0026', (k) => withRule(repeatJoin('a', k + 1, ' implies ')), 64],
  ['max_nesting_keywords', 'NS0026', L_IFS, 256],
  ['max_binders: all', 'NS0026', L_ALLS, 4],
  ['max_binders: sum', 'NS0026', L_SUMS, 4],
  ['max_let_depth', 'NS0026', (k) => L_LETS(k, false), 32],
  ['max_let_depth, declared last first', 'NS0026', (k) => L_LETS(k, true), 32],
  ['max_source_bytes', 'NS0301', (k) => padTo(withRule('a'), k), MIB4],
  ['max_inputs', 'NS0302', L_INPUTS, 5000],
  ['max_requirements', 'NS0303', L_REQS, 5000],
  ['max_definitions', 'NS0304', L_LETS_MANY, 5000],
];

// compiles: the spec, or the codes of the NetspecError (never a trap)
function compiled(src) {
  try {
    return { spec: ns.compile(src) };
  } catch (e) {
    assert.ok(e instanceof NetspecError, String(e));
    assert.equal(e.kind, 'compile', e.message);
    return { codes: e.diagnostics.map((d) => d.code) };
  }
}

test('every spec limit at its boundary: the largest allowed compiles, the next is refused with its code', () => {
  for (const [name, code, make, max] of SPEC_LIMITS) {
    const at = compiled(make(max));
    assert.ok(at.spec, `${name} at ${max}: ${JSON.stringify(at.codes)}`);
    at.spec.free();
    const over = compiled(make(max + 1));
    assert.ok(over.codes, `${name} at ${max + 1} compiles`);
    assert.ok(over.codes.length > 0 && over.codes.every((c) => c === code), `${name} at ${max + 1}: ${JSON.stringify(over.codes)}, expected only ${code}`);
  }
  stillWorks();
});

const L_HEADER = '"header": {"respondent": "provider", "organisation": {"ods_code": "RXX", "name": "Testvale Hospitals NHS Trust"}, "period": {"start": "2024-07-01", "end": "2025-06-30"}, "completed_by": "A. Example"}';
const withHeader = (body) => `{${L_HEADER}${body ? `, ${body}` : ''}}`;
const okUnits = (k) => withHeader(`"units": [${repeatJoin('{"ok": true}', k, ',')}]`);

// evaluates: {warnings} or {errors} (codes), never a trap
function evaluated(spec, submission, explanations = true) {
  try {
    const r = spec.evaluate(submission, { explanations });
    return { warnings: r.warnings.map((d) => d.code) };
  } catch (e) {
    assert.ok(e instanceof NetspecError, String(e));
    assert.notEqual(e.kind, 'internal', e.message);
    return { errors: e.diagnostics.map((d) => d.code) };
  }
}

test('every submission limit at its boundary: the largest allowed is read, the next is refused with its code', () => {
  const spec = ns.compile(withRule('all u in units: u.ok'));
  const padded = (len) => { const t = withHeader('"a": true'); return t + ' '.repeat(len - t.length); };
  const deep = (levels) => withHeader(`"units": [{"ok": ${'['.repeat(levels - 3)}true${']'.repeat(levels - 3)}}]`);
  const wrong = (k) => withHeader(`"units": [${repeatJoin('{"ok": "yes"}', k, ',')}]`);
  const unknown = (k) => withHeader(`"a": true, ${Array.from({ length: k }, (_, i) => `"x${i}": 1`).join(',')}`);
  const utf8 = new TextEncoder().encode(withHeader('"a": true, "x": "é"'));
  const broken = utf8.filter((b, i) => i !== utf8.indexOf(0xa9));
  // [name, at the limit, what it gives, one past, what that gives, explanations]
  const cases = [
    // [name, at, what at gives, over, what over gives]
    ['max_submission_bytes', padded(MIB4), { warnings: [] }, padded(MIB4 + 1), { errors: ['NS0305'] }],
    // at the limit the value is read, and is not a bool: NS0201
    ['max_json_depth', deep(64), { errors: ['NS0201'] }, deep(65), { errors: ['NS0306'] }],
    // without explanations: with them, the 10,000 checks that held are cut at
    // 50 (NS0310), which is another limit's case
    ['max_list_len', okUnits(10000), { warnings: [] }, okUnits(10001), { errors: ['NS0307'] }, false],
    ['not UTF-8', utf8, { warnings: ['NS0205'] }, broken, { errors: ['NS0309'] }],
    ['100 errors', wrong(100), { errors: Array(100).fill('NS0201') }, wrong(101), { errors: [...Array(100).fill('NS0201'), 'NS0310'] }],
    ['100 warnings', unknown(100), { warnings: Array(100).fill('NS0205') }, unknown(101), { warnings: [...Array(100).fill('NS0205'), 'NS0310'] }],
  ];
  for (const [name, at, atGives, over, overGives, explanations = true] of cases) {
    assert.deepEqual(evaluated(spec, at, explanations), atGives, `${name}: at the limit`);
    assert.deepEqual(evaluated(spec, over, explanations), overGives, `${name}: one past the limit`);
  }
  // the work budget: 10,000,000 steps without explanations. R-1 over 1,825
  // units costs 2 + 3k + 3k² = 9,997,352 (each quantifier and its list, each
  // element visited, `u.ok` two nodes), R-2 over 882 elements 2 + 3m = 2,648:
  // exactly the budget; R-3 `a` is one step more
  const steps = (over) => ns.compile(`spec s "S" { version "1" }\ninputs "I" {\n  a: bool "A"\n  units: list "U" { ok: bool "OK" }\n  xs: list "X" { ok: bool "OK" }\n}\n`
    + 'area quality {\n  requirement R-1 must "t" { all u in units: all v in units: u.ok }\n  requirement R-2 must "t" { all x in xs: x.ok }\n'
    + `${over ? '  requirement R-3 must "t" { a }\n' : ''}}\n`);
  const sub = withHeader(`"a": true, "units": [${repeatJoin('{"ok": true}', 1825, ',')}], "xs": [${repeatJoin('{"ok": true}', 882, ',')}]`);
  const at = steps(false).evaluate(sub, { explanations: false });
  assert.deepEqual(at.requirements.map((r) => r.outcome), ['met', 'met']);
  assert.deepEqual(at.warnings.map((d) => d.code), []);
  const over = steps(true).evaluate(sub, { explanations: false });
  assert.deepEqual(over.requirements.map((r) => r.outcome), ['met', 'met', 'incomplete']);
  assert.deepEqual(over.warnings.map((d) => d.code), ['NS0308']);
  stillWorks();
});
