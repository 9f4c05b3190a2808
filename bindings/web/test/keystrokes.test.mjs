// What the performance benchmark (bench/bench.mjs) times, counted rather than
// timed: on the largest bundled spec, every keystroke in a number field
// re-evaluates the whole submission exactly once, and the page logs nothing.
// (The benchmark fills in every answer first; the count does not depend on it.)
// The times themselves are figures for the benchmark, not test assertions.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, REPO, skip, typeIntoNumberField } from './support.mjs';

const LARGEST = fs
  .readdirSync(path.join(REPO, 'specs'))
  .filter((f) => f.endsWith('.netspec'))
  .map((f) => ({ file: f, bytes: fs.statSync(path.join(REPO, 'specs', f)).size }))
  .sort((a, b) => b.bytes - a.bytes)[0];

test(`keystrokes on the largest spec (${LARGEST.file}): one full evaluation each`, { skip, timeout: 180000 }, async () => {
  const o = await open();
  try {
    const { page } = o;
    await page.goto(o.url);
    await page.waitForFunction(() => window.netspecForm && window.netspecForm.ready);
    // the server makes the page cross-origin isolated, so the times the
    // benchmark reads are in microseconds, not 0.1 ms steps
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    await page.locator('#spec-select').selectOption(LARGEST.file);
    // 2 rounds of 10 digits typed and 10 deleted: 40 keystrokes
    const { timings } = await typeIntoNumberField(page, 2);
    assert.equal(timings.length, 40, 'one evaluation per keystroke');
    for (const t of timings) {
      assert.equal(typeof t.evaluate, 'number');
      assert.ok(t.total >= t.evaluate, 'evaluate is part of the update');
    }
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});
