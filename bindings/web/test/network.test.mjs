// The network view (network.html) in headless Chromium: submission files
// picked or dropped are rolled up in the browser by the WebAssembly engine,
// and the summary, heat map and CSV export equal `netspec network`'s for the
// same files; no request leaves the page.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO, artifact, open, skip, skipUnless } from './support.mjs';

const CLI = process.env.NETSPEC_CLI || path.join(REPO, 'target/debug/netspec');
const noCli = skipUnless(!fs.existsSync(CLI) && `no CLI at ${CLI} (cargo build -p netspec-cli)`);
const FOLDER = path.join(REPO, 'specs/examples/adult_critical_care/network');
const FILES = fs.readdirSync(FOLDER).filter((f) => f.endsWith('.json')).sort();

/** `netspec network` on the same files, named as the page names them (by file name). */
function cli(format) {
  return execFileSync(CLI, ['network', path.join(REPO, 'specs/adult_critical_care.netspec'), ...FILES, '--format', format, '-q'],
    { cwd: FOLDER, encoding: 'utf8' });
}

async function start(o) {
  await o.page.goto(`${o.url}network`);
  await o.page.waitForFunction(() => window.netspecNetwork && window.netspecNetwork.ready);
}

test('network view: picked files are rolled up in the browser as `netspec network` rolls them up, and exported as its CSV', { skip: skip || noCli, timeout: 180000 }, async () => {
  const want = JSON.parse(cli('json'));
  const o = await open();
  try {
    const { page } = o;
    await start(o);
    assert.equal(await page.locator('#nw-spec-select').inputValue(), 'adult_critical_care.netspec');
    // picked in reverse order: the page reads them in file-name order
    await page.setInputFiles('#nw-files', FILES.map((f) => path.join(FOLDER, f)).reverse());
    await page.waitForFunction(() => window.netspecNetwork.report !== null);
    const got = await page.evaluate(() => window.netspecNetwork.report);
    for (const k of ['totals', 'requirements', 'areas', 'providers', 'network', 'failed', 'notes', 'spec']) {
      assert.deepEqual(got[k], want[k], k);
    }
    assert.match(await page.locator('#nw-status').textContent(), /Rolled up 14 submission\(s\): 12 provider\(s\), 1 from the network itself, 1 could not be evaluated/);

    // the heat map: a row per provider, a word in every cell
    const rows = page.locator('table.nw-heat tbody tr');
    assert.equal(await rows.count(), want.providers.length);
    const words = await page.locator('table.nw-heat tbody td .visually-hidden').allTextContents();
    const label = { met: 'met', not_met: 'not met', not_applicable: 'n/a', incomplete: 'incomplete' };
    assert.deepEqual(words, want.providers.flatMap((p) => p.outcomes.map((x) => label[x])));
    assert.deepEqual(await page.locator('#main h2').allTextContents(), ['Summary', 'Providers', 'Heat map: providers × requirements',
      'Areas: the providers\' ratings', 'The network\'s own duties', 'Submissions that could not be evaluated']);
    assert.match(await page.locator('[aria-labelledby="nw-failed"] table').textContent(), /r9m_broken\.json.*R9M.*NS0201/);
    await page.locator('[aria-labelledby="nw-heat"]').screenshot({ path: artifact('network-view-heat.png') });
    await page.screenshot({ path: artifact('network-view.png'), fullPage: true });

    // CSV export: byte for byte the CLI's
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#nw-csv').click()]);
    assert.equal(download.suggestedFilename(), 'adult_critical_care-network.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    fs.writeFileSync(artifact('network-view.csv'), csv);
    assert.equal(csv, cli('csv'));

    // dropped files replace the set: one provider alone
    await page.evaluate(async (text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'one.json', { type: 'application/json' }));
      const zone = document.getElementById('nw-drop');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, fs.readFileSync(path.join(FOLDER, 'r9f.json'), 'utf8'));
    await page.waitForFunction(() => window.netspecNetwork.report && window.netspecNetwork.report.totals.submissions === 1);
    const one = await page.evaluate(() => window.netspecNetwork.report);
    assert.equal(one.providers[0].ods_code, 'R9F');
    assert.equal(one.providers[0].source.name, 'one.json');
    assert.deepEqual(one.providers[0].outcomes, want.providers.find((p) => p.ods_code === 'R9F').outcomes);

    assert.deepEqual(o.external, []);
    assert.deepEqual(o.logs, []);
  } finally {
    await o.close();
  }
});
