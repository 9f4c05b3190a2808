// The editor queries of the playground's contract (hover and complete),
// from the Rust code the language server answers with: UTF-16 offsets both
// ways, and never a throw.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ns = require('..');
const { REPO } = require('./support/corpus');

const RENAL = fs.readFileSync(path.join(REPO, 'specs', 'renal.netspec'), 'utf8');

test('hover: a field read through a variable, with its range in UTF-16', () => {
  const at = RENAL.indexOf('u.hd_patients / u.hd_places') + 3;
  const h = ns.hover(RENAL, at);
  assert.ok(h.contents.startsWith('**`units.hd_patients`**: int, min 0, in patients'), h.contents);
  assert.ok(h.contents.includes('How many patients have their haemodialysis at this unit now?'));
  assert.equal(RENAL.slice(h.from, h.to), 'hd_patients');
});

test('hover: a requirement, a function, nothing on a keyword', () => {
  const id = 'REN-QU-07';
  const h = ns.hover(RENAL, RENAL.indexOf(`requirement ${id}`) + 13);
  assert.ok(h.contents.startsWith(`**${id}** should · Quality`), h.contents);
  assert.match(h.contents, /basis: estimate/);
  assert.match(h.contents, /\n\nref: /);
  const spec = 'spec a "A" { version "1" }\ninputs "I" { x: number min 0 "X?" }\nlet y = ceil(x)\n';
  const c = ns.hover(spec, spec.indexOf('ceil') + 1);
  assert.equal(c.contents, '`ceil(x)`\n\nint or number → int (`round` takes halves away from zero)');
  assert.deepEqual([c.from, c.to], [spec.indexOf('ceil'), spec.indexOf('ceil') + 4]);
  assert.equal(ns.hover(spec, 1), null);
});

test('offsets are UTF-16 code units both ways', () => {
  // astral characters (two code units) and a multi-byte letter before the name
  const spec = 'spec a "😀😀 é" { version "1" }\ninputs "I" { beds: int min 0 "Béds 😀?" }\nlet z = beds + 1\n';
  const at = spec.indexOf('beds + 1');
  const h = ns.hover(spec, at + 2);
  assert.equal(spec.slice(h.from, h.to), 'beds');
  assert.equal(h.from, at);
  assert.match(h.contents, /Béds 😀\?/);
  const c = ns.complete(spec.replace('beds + 1', 'be + 1'), at + 2);
  assert.equal(c.from, at);
  assert.deepEqual(c.options.map((o) => o.label), ['beds']);
  assert.deepEqual(c.options[0], { label: 'beds', kind: 'input', detail: 'int', info: 'Béds 😀?' });
});

test('complete: fields after `u.` in a line that does not parse, ids in tests, enum values', () => {
  const line = '    all u in units: u.patients_with_access_plan >= u.hd_patients';
  const broken = RENAL.replace(line, '    all u in units: u.cann');
  const at = broken.indexOf('u.cann') + 6;
  const c = ns.complete(broken, at);
  assert.equal(c.from, at - 4);
  assert.deepEqual(c.options.map((o) => [o.label, o.kind]), [['cannulating_staff', 'field'], ['cannulating_staff_trained', 'field']]);
  const t = RENAL.replace('  expect REN-SD-01 met', '  expect REN-S');
  assert.notEqual(t, RENAL);
  const e = t.indexOf('  expect REN-S') + '  expect REN-S'.length;
  const ids = ns.complete(t, e);
  assert.equal(ids.from, e - 5);
  const declared = [...RENAL.matchAll(/requirement (REN-S\S*)/g)].map((m) => m[1]).sort();
  assert.ok(declared.length >= 2);
  assert.deepEqual(ids.options.map((o) => o.label), declared);
  assert.ok(ids.options.every((o) => o.kind === 'requirement'));
  const eq = RENAL.replace('    applies when provider.centre_type == adult', '    applies when provider.centre_type == ');
  const at2 = eq.indexOf('    applies when provider.centre_type == ') + '    applies when provider.centre_type == '.length;
  assert.deepEqual(ns.complete(eq, at2).options.map((o) => [o.label, o.kind]), [['adult', 'enum'], ['paediatric', 'enum']]);
  // every kind the contract names is one of these
  const small = 'spec a "A" { version "1" }\ninputs "I" { x: enum(p, q) "X?" }\nlet y = 1\narea quality {\n  requirement Q-01 must "Q" {\n    \n  }\n}\n';
  const all = ns.complete(small, small.indexOf('    \n  }') + 4);
  const kinds = new Set(all.options.map((o) => o.kind));
  for (const k of kinds) assert.ok(['input', 'field', 'builtin', 'keyword', 'enum', 'requirement', 'definition'].includes(k), k);
  for (const k of ['input', 'builtin', 'keyword', 'enum', 'definition']) assert.ok(kinds.has(k), `${k} in ${[...kinds]}`);
});

test('never throws, whatever it is given', () => {
  const odd = [undefined, null, 5, {}, [], '', '\u0000', '\ud800', 'spec {'.repeat(1000), RENAL.slice(0, 12345)];
  const offsets = [undefined, null, NaN, -1, 0, 1.5, 7, 1e12, Infinity, -Infinity, '3', {}];
  for (const s of odd) {
    for (const o of offsets) {
      const h = ns.hover(s, o);
      assert.ok(h === null || typeof h.contents === 'string');
      const c = ns.complete(s, o);
      assert.ok(Array.isArray(c.options) && Number.isInteger(c.from), `${typeof s} ${o}`);
    }
  }
  // every offset of a file cut half-way
  const cut = RENAL.slice(0, RENAL.indexOf('area quality') + 400);
  for (let i = 0; i <= cut.length; i += 97) {
    ns.hover(cut, i);
    ns.complete(cut, i);
  }
});
