// The network report's HTML page (`netspec network --format html`) in
// headless Chromium: it renders with its headings, tables and charts, makes
// no request at all (everything is inline), prints, and says every outcome
// in words as well as colour. Screenshots and the PDF: test-artifacts/.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ARGS, CHROMIUM, REPO, artifact, skipUnless } from './support.mjs';

const require = createRequire(import.meta.url);
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  chromium = undefined;
}
const CLI = process.env.NETSPEC_CLI || path.join(REPO, 'target/debug/netspec');
const skip = skipUnless(!chromium
  ? 'playwright-core is not installed (npm ci in bindings/web)'
  : !fs.existsSync(CHROMIUM)
    ? `no browser at ${CHROMIUM} (apt-get install chromium)`
    : !fs.existsSync(CLI)
      ? `no CLI at ${CLI} (cargo build -p netspec-cli)`
      : false);

/** The network report of the adult critical care example, as HTML, and as JSON. */
function reports() {
  const args = ['network', 'specs/adult_critical_care.netspec', 'specs/examples/adult_critical_care/network/',
    '--previous', 'specs/examples/adult_critical_care/network_previous/', '-q'];
  const html = execFileSync(CLI, [...args, '--format', 'html'], { cwd: REPO, encoding: 'utf8' });
  const json = JSON.parse(execFileSync(CLI, [...args, '--format', 'json'], { cwd: REPO, encoding: 'utf8' }));
  return { html, json };
}

test('network report: the HTML page renders offline with its headings, tables and charts, and prints', { skip, timeout: 120000 }, async () => {
  const { html, json } = reports();
  const file = artifact('network-report.html');
  fs.writeFileSync(file, html);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-network-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    const requests = [];
    const errors = [];
    ctx.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`file://${file}`);
    await page.waitForLoadState('load');

    // no request leaves the page: the file itself is the only one
    assert.deepEqual(requests, [`file://${file}`]);
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('script').count(), 0);

    // headings: one h1, the sections as h2
    assert.equal(await page.locator('h1').count(), 1);
    assert.match(await page.locator('h1').textContent(), /network view/);
    const h2 = await page.locator('h2').allTextContents();
    for (const want of ['Summary', 'Providers', 'Heat map: providers × requirements', "Areas: the providers' ratings",
      'Requirements across the providers', "The network's own duties", 'Changes since the previous period',
      "Each provider's requirements not met", 'Submissions that could not be evaluated']) {
      assert.ok(h2.includes(want), `heading ${want} in ${h2}`);
    }

    // tables: every one has a caption and header cells
    const tables = await page.locator('table').count();
    assert.ok(tables >= 8, `${tables} tables`);
    assert.equal(await page.locator('table > caption').count(), tables);
    assert.equal(await page.locator('table:not(:has(th))').count(), 0);

    // the heat map: a row per provider, a cell per requirement, each with a word
    const heat = page.locator('table.heat');
    const providers = json.providers.length;
    const requirements = json.requirements.length;
    assert.equal(await heat.locator('tbody tr').count(), providers);
    assert.equal(await heat.locator('tbody td').count(), providers * requirements);
    const words = await heat.locator('tbody td .sr').allTextContents();
    const want = json.providers.flatMap((p) => p.outcomes.map((o) => ({ met: 'met', not_met: 'not met', not_applicable: 'n/a', incomplete: 'incomplete' })[o]));
    assert.deepEqual(words, want);
    // colour is not the only signal: cells differ in text, and the key is shown
    assert.ok(await page.locator('#legend').isVisible());

    // the per-area charts: one labelled SVG per area, drawn
    const svgs = page.locator('svg[role="img"]');
    assert.equal(await svgs.count(), json.areas.length);
    for (let i = 0; i < json.areas.length; i++) {
      const label = await svgs.nth(i).getAttribute('aria-label');
      const a = json.areas[i];
      assert.equal(label, `${a.title}: ${a.ratings.green} green, ${a.ratings.amber} amber, ${a.ratings.red} red, ${a.ratings.incomplete} incomplete`);
      const box = await svgs.nth(i).boundingBox();
      assert.ok(box && box.width > 100 && box.height > 10);
    }

    // the failed submission is listed with its code
    assert.match(await page.locator('#failed ~ table').first().textContent(), /NS0201/);

    await page.screenshot({ path: artifact('network-report.png'), fullPage: false });
    // the heat map alone (the README's picture: bindings/web/docs/network-report.png)
    await page.locator('section[aria-labelledby="heat"]').screenshot({ path: artifact('network-report-heat.png') });
    await page.screenshot({ path: artifact('network-report-full.png'), fullPage: true });
    // printable: the print style applies and Chromium lays it out as a PDF
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ path: artifact('network-report.pdf'), format: 'A4', landscape: true });
    assert.ok(pdf.length > 10000);
    assert.deepEqual(requests, [`file://${file}`]);
  } finally {
    await ctx.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
