// The node example in README.md runs as written (from the repository root)
// and prints what the README says it prints.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { PACKAGE_DIR, REPO, block } = require('./support/corpus');


test('the README example runs as written', () => {
  const readme = fs.readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8');
  const code = block(readme, '<!-- example: node -->', 'js');
  const shown = block(readme, '<!-- example: output -->', 'text');
  // inside the package folder, require('netspec') finds the package itself
  const file = path.join(PACKAGE_DIR, 'test', '.readme-example.js');
  fs.writeFileSync(file, code);
  let out;
  try {
    out = execFileSync(process.execPath, [file], { cwd: REPO, encoding: 'utf8' });
  } finally {
    fs.rmSync(file, { force: true });
  }
  assert.match(out, /^Adult critical care operational delivery network: RED \(\d+ not met\)\n.+ \([A-Z0-9]{3,6}\), \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}: compliance \d+(\.\d+)?%\n/);
  // every line the README shows (it elides some with "...") is in the output, in order
  let from = 0;
  for (const line of shown.split('\n').filter((l) => l && l !== '...')) {
    const i = out.indexOf(`${line}\n`, from);
    assert.ok(i >= 0, `the README shows a line the example does not print: ${line}`);
    from = i + line.length;
  }
});
