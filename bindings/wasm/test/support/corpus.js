// Shared by the tests: the conformance corpus, the native engine's results for
// it, and helpers. (Not a test file: node --test runs test/*.test.*.)
'use strict';

const assert = require('node:assert/strict');

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
const REPO = path.resolve(PACKAGE_DIR, '..', '..');
const CORPUS = process.env.NETSPEC_CORPUS || path.join(REPO, 'tests', 'conformance');

// Every file under `dir`, by '/'-separated name relative to it.
function filesUnder(dir, prefix = '', out = {}) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) filesUnder(path.join(dir, e.name), rel, out);
    else if (e.isFile()) out[rel] = fs.readFileSync(path.join(dir, e.name), 'utf8');
  }
  return out;
}

// The cases, as tests/conformance/README.md lays them out: group folders in
// name order, then NAME.json files that have a NAME.netspec next to them.
function discover(root = CORPUS) {
  const cases = [];
  const groups = fs.readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodeUnits);
  for (const group of groups) {
    const dir = path.join(root, group);
    const names = fs.readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile()).map((e) => e.name).sort(byCodeUnits);
    let files;
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const stem = name.slice(0, -'.json'.length);
      if (!names.includes(`${stem}.netspec`)) continue;
      files = files || filesUnder(dir);
      cases.push({
        id: `${group}/${stem}`,
        dir,
        specName: `${stem}.netspec`,
        source: files[`${stem}.netspec`],
        files,
        file: JSON.parse(files[name]),
      });
    }
  }
  return cases;
}

function byCodeUnits(a, b) {
  // Rust sorts paths by bytes; for ASCII names that is code-unit order
  return a < b ? -1 : a > b ? 1 : 0;
}

// What the native engine makes of every case (examples/native_reports.rs),
// from $NETSPEC_NATIVE_REPORTS or by running the helper with cargo.
let nativeCache;
function nativeResults() {
  if (nativeCache) return nativeCache;
  let text;
  if (process.env.NETSPEC_NATIVE_REPORTS) {
    text = fs.readFileSync(process.env.NETSPEC_NATIVE_REPORTS, 'utf8');
  } else {
    const env = Object.assign({}, process.env);
    delete env.RUSTC;
    delete env.RUSTDOC;
    delete env.RUSTC_BOOTSTRAP;
    text = execFileSync('cargo', ['run', '--quiet', '--locked', '-p', 'netspec-wasm', '--example', 'native_reports', '--', CORPUS], {
      cwd: REPO, env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'],
    });
  }
  const parsed = JSON.parse(text);
  nativeCache = new Map(parsed.cases.map((c) => [c.id, c]));
  return nativeCache;
}

// A diagnostic from a NetspecError back in the engine's serde form (the flat
// position fields removed, empty notes left out), to compare with native.
function engineForm(d) {
  const out = Object.assign({}, d);
  for (const k of ['file', 'line', 'column', 'endLine', 'endColumn', 'span']) delete out[k];
  if (Array.isArray(out.notes) && out.notes.length === 0) delete out.notes;
  return out;
}

function submissionOf(c) {
  if (typeof c.file.submission_text === 'string') return c.file.submission_text;
  if (c.file.submission !== undefined) return c.file.submission;
  return {};
}

// A complete submission header (every submission has one; grammar/README.md).
const HEADER = Object.freeze({
  respondent: 'provider',
  organisation: { ods_code: 'RRK', name: 'Eastmoor Hospitals NHS Trust' },
  period: { start: '2024-07-01', end: '2025-06-30' },
  completed_by: 'Jo Bloggs, critical care matron',
});

// Something that always works, to check the module still does after an error.
const SMALL_SPEC = 'spec small "Small" { version "1" }\n'
  + 'inputs "Unit" { beds: int min 0 "Funded beds"\n nurses: int min 0 "Nurses on a day shift" }\n'
  + 'area workforce { requirement WF-01 must "One nurse per bed" { nurses >= beds } }\n';

// The text of the ```LANG block that follows MARKER in a README.
function block(readme, marker, lang) {
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README.md has no "${marker}"`);
  const open = readme.indexOf(`\`\`\`${lang}\n`, at);
  const close = readme.indexOf('\n```', open + 1);
  assert.ok(open > at && close > open, `no \`\`\`${lang} block after "${marker}"`);
  return readme.slice(open + lang.length + 4, close + 1);
}

module.exports = {
  block,
  PACKAGE_DIR, REPO, CORPUS, SMALL_SPEC, HEADER, discover, filesUnder, nativeResults, engineForm, submissionOf,
};
