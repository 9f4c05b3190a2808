// The TextMate grammar (syntaxes/netspec.tmLanguage.json):
// - it is what scripts/gen-grammar.mjs writes from grammar/netspec.pest;
// - on every bundled spec (specs/*.netspec, specs/common/*.netspec), run
//   through vscode-tmgrammar-snap, every token that is not layout has a
//   scope of its own besides `source.netspec`, and none is `invalid`;
// - the scopes asserted in test/scopes.netspec hold (vscode-tmgrammar-test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ext = join(here, '..');
const repo = join(ext, '../..');
const bin = (name) => join(ext, 'node_modules/.bin', name);

/** The tokens of a vscode-tmgrammar-snap snapshot that are not layout but
 *  have no scope besides the root's, or an `invalid` one: [line, column,
 *  text, scopes]. */
export function badTokens(snap) {
  const bad = [];
  let source = null;
  let line = 0;
  for (const row of snap.split('\n')) {
    if (row.startsWith('>')) {
      source = row.slice(1);
      line += 1;
      continue;
    }
    const m = /^#(\s*)(\^+) (.*)$/.exec(row);
    if (!m || source === null) continue;
    const start = m[1].length;
    const text = source.slice(start, start + m[2].length);
    const scopes = m[3].trim().split(/\s+/);
    if (text.trim() === '') continue;
    if (scopes.length < 2 || scopes.some((s) => s.startsWith('invalid'))) {
      bad.push([line, start + 1, text, scopes.join(' ')]);
    }
  }
  return bad;
}

function snapshots(files) {
  const dir = mkdtempSync(join(tmpdir(), 'netspec-grammar-'));
  try {
    for (const [name, path] of files) copyFileSync(path, join(dir, name));
    execFileSync(bin('vscode-tmgrammar-snap'), ['-u', '--config', join(ext, 'package.json'), join(dir, '*.netspec')], {
      cwd: ext,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return files.map(([name]) => [name, readFileSync(join(dir, `${name}.snap`), 'utf8')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the grammar is generated from grammar/netspec.pest', () => {
  execFileSync('node', [join(ext, 'scripts/gen-grammar.mjs'), '--check'], { stdio: 'inherit' });
});

test('every token of every bundled spec is scoped, none invalid', () => {
  const files = [];
  for (const [folder, prefix] of [['specs', ''], ['specs/common', 'common__']]) {
    for (const f of readdirSync(join(repo, folder))) {
      if (f.endsWith('.netspec')) files.push([prefix + f, join(repo, folder, f)]);
    }
  }
  assert.ok(files.length >= 13, `bundled specs found: ${files.length}`);
  let tokens = 0;
  for (const [name, snap] of snapshots(files)) {
    const bad = badTokens(snap);
    tokens += (snap.match(/^#/gm) ?? []).length;
    assert.deepEqual(
      bad.map(([l, c, t, s]) => `${name}:${l}:${c} ${JSON.stringify(t)} ${s}`),
      [],
      `${name}: tokens without a scope of their own`,
    );
  }
  assert.ok(tokens > 10000, `tokens checked: ${tokens}`);
});

test('the check fails on a token left unscoped or invalid', () => {
  // a snapshot as vscode-tmgrammar-snap writes it, with one token that has
  // only the root scope
  const snap = '>let x = 1\n#^^^ source.netspec storage.type.netspec\n#   ^ source.netspec\n#    ^ source.netspec\n';
  assert.deepEqual(badTokens(snap), [[1, 5, 'x', 'source.netspec']]);
  // a character the language does not have is `invalid`
  const [[, s]] = snapshotsOf('stray.netspec', 'let x = 1 § 2\n');
  assert.deepEqual(badTokens(s).map(([l, c, t]) => [l, c, t]), [[1, 11, '§']]);
});

function snapshotsOf(name, text) {
  const dir = mkdtempSync(join(tmpdir(), 'netspec-grammar-src-'));
  try {
    writeFileSync(join(dir, name), text);
    return snapshots([[name, join(dir, name)]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the scopes asserted in test/scopes.netspec hold', () => {
  execFileSync(bin('vscode-tmgrammar-test'), ['--config', join(ext, 'package.json'), join(here, 'scopes.netspec')], {
    cwd: ext,
    stdio: 'inherit',
  });
});
