// Shared by the browser tests: the static server on 127.0.0.1 (port 0),
// headless Chromium (Debian's /usr/bin/chromium through playwright-core, a
// fresh profile, never a downloaded browser), the node engine for
// comparisons, and the artifacts folder.
import test from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';

const require = createRequire(import.meta.url);
export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(WEB, '../..');
export const ARTIFACTS = path.join(WEB, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  chromium = undefined;
}

const wasmBuilt = fs.existsSync(path.join(REPO, 'bindings/wasm/pkg/web/netspec_wasm_bg.wasm'));
const bundled = fs.existsSync(path.join(WEB, 'generated/specs.js'));

/** True when CI is set to anything but '', 0 or false (.ci/run sets CI=true). */
export const IN_CI = !['', '0', 'false'].includes(String(process.env.CI || '').toLowerCase());
const reported = new Set();

/**
 * The `skip` option of a test that needs what `reason` says is missing
 * (false: nothing is missing). Locally the test skips and this prints why;
 * under CI a failing test says what is missing (ci.sh fails on any skip too).
 */
export function skipUnless(reason) {
  if (!reason) return false;
  if (!reported.has(reason)) {
    reported.add(reason);
    if (IN_CI) {
      test(`CI: ${reason}`, () => {
        throw new Error(`CI=${process.env.CI}: ${reason}; under CI this test must run`);
      });
    } else {
      console.log(`# skipping: ${reason}`);
    }
  }
  return reason;
}

/** Why the browser tests cannot run here, or false. Under CI a reason is a failure. */
export const skip = skipUnless(!chromium
  ? 'playwright-core is not installed (npm ci in bindings/web)'
  : !fs.existsSync(CHROMIUM)
    ? `no browser at ${CHROMIUM} (apt-get install chromium)`
    : !wasmBuilt
      ? 'bindings/wasm is not built (bash bindings/wasm/build.sh)'
      : !bundled
        ? 'generated/specs.js is missing (npm run build)'
        : false);

export const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Starts the server and a browser with a fresh profile. Returns { url, ctx, page, close }. */
export async function open({ viewport = { width: 1400, height: 1000 } } = {}) {
  const { server, url } = await startServer({ port: 0 });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-web-chromium-'));
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'netspec-web-downloads-'));
  let ctx;
  try {
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport,
      acceptDownloads: true,
      downloadsPath: downloads,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
    });
  } catch (e) {
    server.close();
    throw e;
  }
  const page = ctx.pages()[0] || (await ctx.newPage());
  const logs = [];
  const watch = (p) => {
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') logs.push(`${m.type()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => logs.push(`pageerror: ${e.stack || e}`));
  };
  watch(page);
  ctx.on('page', watch);
  // any request that leaves 127.0.0.1 is a bug (no CDN, offline)
  const external = [];
  ctx.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', ''].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) external.push(r.url());
  });
  return {
    url,
    ctx,
    page,
    logs,
    external,
    async close() {
      await ctx.close().catch(() => {});
      await new Promise((r) => server.close(r));
      fs.rmSync(profile, { recursive: true, force: true });
      fs.rmSync(downloads, { recursive: true, force: true });
    },
  };
}

export function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** The node build of the engine (bindings/wasm), to compare with. */
export function nodeEngine() {
  return require(path.join(REPO, 'bindings/wasm/index.js'));
}

export const readSpecFile = (rel) => fs.readFileSync(path.join(REPO, 'specs', rel), 'utf8');

/** Compiles a bundled spec with the node engine, as the pages do. */
export function compileNode(file, source = readSpecFile(file), tests = false) {
  const { compile } = nodeEngine();
  const files = {};
  const walk = (dir, prefix) => {
    for (const f of fs.readdirSync(dir)) {
      const full = path.join(dir, f);
      if (fs.statSync(full).isDirectory()) walk(full, `${prefix}${f}/`);
      else if (`${prefix}${f}` !== file && /\.(netspec|json)$/.test(f)) files[`${prefix}${f}`] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(path.join(REPO, 'specs'), '');
  return compile(source, { name: file, files, tests });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const sel = (id) => `[id="${id.replace(/"/g, '\\"')}"]`;
export { sel };

/** Waits until the page has evaluated the answers and shown the result. */
export async function settled(page) {
  await page.waitForFunction(() => window.netspecForm && window.netspecForm.ready);
}

/**
 * Answers a submission through the form as a person would: adds list
 * entries with their "Add entry" button, picks choices, ticks yes/no and
 * types numbers, dates and text. Returns how many fields it set.
 */
export async function fillForm(page, answers) {
  let n = 0;
  async function walk(value, path) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if ((await page.locator(sel(`q${path}/${i}`)).count()) === 0) await page.locator(`[data-add-for="${path}"]`).click();
        await walk(value[i], `${path}/${i}`);
      }
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) await walk(v, `${path}/${k}`);
      return;
    }
    await setField(page, path, value);
    n++;
  }
  await walk(answers, '');
  return n;
}

/** The id suffix of the radio for a value: `-yes`/`-no` for true/false, else the value. */
export const radioSlug = (value) => (value === true ? 'yes' : value === false ? 'no' : String(value));

export async function setField(page, path, value) {
  const id = `q${path}`;
  const kind = await page.evaluate((id) => {
    const el = document.getElementById(id);
    return el ? `${el.tagName.toLowerCase()}:${el.dataset.type || el.type || ''}` : null;
  }, id);
  if (!kind) throw new Error(`no field for ${path}`);
  if (kind.startsWith('fieldset')) {
    // yes/no questions (bool) and choices (the respondent, checklist items): one radio per value
    if (value === null || value === undefined) await page.locator(`[data-clear="${path}"]`).click();
    else await page.locator(sel(`${id}-${radioSlug(value)}`)).check();
  } else if (kind.startsWith('select')) {
    await page.locator(sel(id)).selectOption(value === null || value === undefined ? '' : String(value));
  } else {
    await page.locator(sel(id)).fill(value === null || value === undefined ? '' : String(value));
  }
}

/** The value each answered field shows, as the submission would hold it. */
export async function readForm(page, answers) {
  const paths = [];
  const walk = (v, p) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}/${i}`));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${p}/${k}`);
    else paths.push(p);
  };
  walk(answers, '');
  return page.evaluate((paths) => {
    const out = {};
    for (const p of paths) {
      const el = document.getElementById(`q${p}`);
      if (!el) out[p] = '(no field)';
      else if (el.tagName === 'FIELDSET') {
        const c = el.querySelector(':scope > .radios input:checked');
        out[p] = c ? (el.dataset.type === 'bool' ? c.value === 'true' : c.value) : null;
      } else if (['int', 'number', 'percent'].includes(el.dataset.type)) out[p] = el.value === '' ? null : Number(el.value);
      else out[p] = el.value;
    }
    return out;
  }, paths);
}

/** Leaves of a submission as { pointer: value }. */
export function leaves(answers) {
  const out = {};
  const walk = (v, p) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}/${i}`));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${p}/${k}`);
    else out[p] = v;
  };
  walk(answers, '');
  return out;
}

/** What the report shows: every requirement's outcome, every area's rating, the overall rating. */
export async function shownOutcomes(page, prefix = 'r') {
  return page.evaluate((prefix) => {
    const reqs = {};
    for (const li of document.querySelectorAll(`#report li.req`)) reqs[li.dataset.id] = li.dataset.outcome;
    const areas = {};
    for (const s of document.querySelectorAll(`#report section.area`)) {
      areas[s.id.replace(`${prefix}-area-`, '')] = s.className.match(/rating-(green|amber|red|incomplete)/)[1];
    }
    const overall = document.getElementById(`${prefix}-overall`).className.match(/rating-(green|amber|red|incomplete)/)[1];
    return { reqs, areas, overall };
  }, prefix);
}

export function outcomesOf(report) {
  return {
    reqs: Object.fromEntries(report.requirements.map((r) => [r.id, r.outcome])),
    areas: Object.fromEntries(report.areas.map((a) => [a.area, a.rating])),
    overall: report.overall.rating,
  };
}

/**
 * Like fillForm, but in one call inside the page: the same controls and the
 * same input events (a click on "Add entry", a click on a radio, a value and
 * an `input` event), without a round trip per field.
 */
export async function fillFormInPage(page, answers) {
  return page.evaluate((answers) => {
    let n = 0;
    const walk = (value, path) => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (!document.getElementById(`q${path}/${i}`)) document.querySelector(`[data-add-for="${path}"]`).click();
          walk(v, `${path}/${i}`);
        });
        return;
      }
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, `${path}/${k}`);
        return;
      }
      const el = document.getElementById(`q${path}`);
      if (!el) throw new Error(`no field for ${path}`);
      if (el.tagName === 'FIELDSET') {
        const slug = value === true ? 'yes' : value === false ? 'no' : String(value);
        document.getElementById(`q${path}-${slug}`).click();
      }
      else {
        el.value = String(value);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
      n++;
    };
    walk(answers, '');
    return n;
  }, answers);
}

// Types `rounds` rounds of 10 digits, each deleted again, into the form's
// first number field in a list (else its first number field), and gives the
// field's id and the timings the form recorded for those keystrokes (one
// per keystroke).
export async function typeIntoNumberField(page, rounds) {
  const field = await page.evaluate(() => {
    const el = [...document.querySelectorAll('#form input[data-type=int]')].find((e) => /\/0\//.test(e.dataset.path)) ||
      document.querySelector('#form input[data-type=int]');
    return el.id;
  });
  const input = page.locator(sel(field));
  await input.click();
  await input.press('End');
  const before = await page.evaluate(() => window.netspecForm.timings.length);
  for (let round = 0; round < rounds; round++) {
    await page.keyboard.type('1234567890');
    for (let i = 0; i < 10; i++) await page.keyboard.press('Backspace');
  }
  const timings = await page.evaluate((n) => window.netspecForm.timings.slice(n), before);
  return { field, timings };
}
