// The network view: several submission files rolled up in the browser by the
// engine's own roll-up (Spec.network in the WebAssembly package, the same as
// `netspec network`), shown as a summary, a heat map and the network's own
// duties, with CSV export. Files are read here and never sent anywhere.
import { bundledFiles, bundledSpecs, compileSpec, loadEngine } from './engine.js';
import { download, fill, h, announce } from './dom.js';

const $ = (id) => document.getElementById(id);
const LABEL = { met: 'met', not_met: 'not met', not_applicable: 'n/a', incomplete: 'incomplete' };
const SYMBOL = { met: '✓', not_met: '✗', not_applicable: '–', incomplete: '?' };
const RATINGS = ['green', 'amber', 'red', 'incomplete'];
/** Most bytes read from one file (a JSON Lines file may hold many submissions). */
const MAX_FILE_BYTES = 256 << 20;

let spec = null;
let files = [];
let last = null;

const pct = (x) => (x === null || x === undefined ? '–' : `${x}%`);
const badge = (r) => h('span', { class: `nw-r nw-r-${r}` }, r);

/** The submissions in the files picked, in file-name order: one per JSON file, one per line of a JSON Lines file. */
async function submissions(list) {
  const out = [];
  const sorted = [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of sorted) {
    if (f.size > MAX_FILE_BYTES) throw new Error(`${f.name} is larger than ${MAX_FILE_BYTES >> 20} MB`);
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (/\.(jsonl|ndjson)$/i.test(f.name)) {
      let start = 0;
      let line = 0;
      for (let i = 0; i <= bytes.length; i++) {
        if (i === bytes.length || bytes[i] === 10) {
          line += 1;
          const part = bytes.subarray(start, i);
          if (part.some((b) => b !== 32 && b !== 9 && b !== 13)) out.push({ name: `${f.name}:${line}`, bytes: part });
          start = i + 1;
        }
      }
    } else {
      out.push({ name: f.name, bytes });
    }
  }
  return out;
}

function table(caption, head, rows, cls) {
  return h('table', { class: cls },
    h('caption', null, caption),
    h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows));
}

function render(report) {
  const t = report.totals;
  const overall = { green: 0, amber: 0, red: 0, incomplete: 0 };
  for (const p of report.providers) overall[p.rating] += 1;
  const out = [
    h('p', { class: 'nw-note' }, report.provenance),
    ...report.notes.map((n) => h('p', { class: 'nw-note' }, `Note: ${n}`)),
    h('section', { 'aria-labelledby': 'nw-summary' },
      h('h2', { id: 'nw-summary' }, 'Summary'),
      h('div', { class: 'nw-row' },
        table('Submissions', ['Kind', 'Number'], [
          ['Read', t.submissions], ['Providers evaluated', t.providers],
          ['Network\'s own submissions', t.network], ['Could not be evaluated', t.failed],
        ].map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', { class: 'num' }, String(v))))),
        table('Providers by overall rating', ['Rating', 'Providers'],
          RATINGS.map((r) => h('tr', null, h('th', { scope: 'row' }, badge(r)), h('td', { class: 'num' }, String(overall[r]))))))),
    h('section', { 'aria-labelledby': 'nw-providers' },
      h('h2', { id: 'nw-providers' }, 'Providers'),
      h('div', { class: 'nw-wrap' }, table('Each provider\'s overall and per-area rating and compliance',
        ['ODS code', 'Organisation', 'Rating', 'Compliance', ...report.areas.map((a) => a.title)],
        report.providers.map((p) => h('tr', null,
          h('th', { scope: 'row' }, p.ods_code), h('td', null, p.name), h('td', null, badge(p.rating)),
          h('td', { class: 'num' }, pct(p.compliance)),
          report.areas.map((a) => {
            const x = p.areas.find((y) => y.area === a.area);
            const used = x && Object.values(x.counts).some((n) => n > 0);
            return h('td', null, used ? [badge(x.rating), ' ', pct(x.compliance)] : '–');
          })))))),
    h('section', { 'aria-labelledby': 'nw-heat' },
      h('h2', { id: 'nw-heat' }, 'Heat map: providers × requirements'),
      h('p', { class: 'nw-legend', id: 'nw-legend' }, 'Key: ',
        Object.keys(LABEL).map((o) => h('span', { class: `nw-o-${o}` }, `${SYMBOL[o]} ${LABEL[o]}`))),
      h('div', { class: 'nw-wrap' }, h('table', { class: 'nw-heat', 'aria-describedby': 'nw-legend' },
        h('caption', null, 'Outcome of every provider requirement for every provider'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Provider'),
          report.requirements.map((r) => h('th', { scope: 'col', class: 'nw-req', title: `${r.title} (${r.level})` }, r.id)))),
        h('tbody', null, report.providers.map((p) => h('tr', null,
          h('th', { scope: 'row', title: p.name }, p.ods_code),
          p.outcomes.map((o, j) => h('td', { class: `nw-o-${o}`, title: `${report.requirements[j].id}: ${LABEL[o]}` },
            h('span', { 'aria-hidden': 'true' }, SYMBOL[o]), h('span', { class: 'visually-hidden' }, LABEL[o]))))))))),
    h('section', { 'aria-labelledby': 'nw-areas' },
      h('h2', { id: 'nw-areas' }, 'Areas: the providers\' ratings'),
      table('Providers by rating, per area', ['Area', 'Green', 'Amber', 'Red', 'Incomplete', 'Compliance'],
        report.areas.map((a) => h('tr', null, h('th', { scope: 'row' }, a.title),
          RATINGS.map((r) => h('td', { class: 'num' }, String(a.ratings[r]))), h('td', { class: 'num' }, pct(a.compliance)))))),
    h('section', { 'aria-labelledby': 'nw-network' },
      h('h2', { id: 'nw-network' }, 'The network\'s own duties'),
      report.network.submissions.length === 0
        ? h('p', null, 'No network submission was given.')
        : report.network.submissions.map((n) => table(`${n.name} (${n.ods_code}), for the network: rated ${n.rating}, compliance ${pct(n.compliance)}`,
          ['Id', 'Level', 'Requirement', 'Outcome'],
          report.network.requirements.map((r, k) => h('tr', null, h('th', { scope: 'row' }, r.id), h('td', null, r.level),
            h('td', null, r.title), h('td', { class: `nw-o-${n.outcomes[k]}` }, `${SYMBOL[n.outcomes[k]]} ${LABEL[n.outcomes[k]]}`)))))),
    h('section', { 'aria-labelledby': 'nw-failed' },
      h('h2', { id: 'nw-failed' }, 'Submissions that could not be evaluated'),
      report.failed.length === 0
        ? h('p', null, 'None: every submission was evaluated.')
        : table('Each with its errors', ['Submission', 'ODS code', 'Code', 'Problem'],
          report.failed.flatMap((f) => f.diagnostics.map((d) => h('tr', null, h('th', { scope: 'row' }, f.source.name),
            h('td', null, f.ods_code || '–'), h('td', null, d.code), h('td', null, d.message)))))),
  ];
  fill($('nw-report'), out);
}

async function rollUp() {
  if (!spec || files.length === 0) return;
  const status = $('nw-status');
  try {
    const subs = await submissions(files);
    last = spec.network(subs);
    render(last.report);
    const t = last.report.totals;
    const text = `Rolled up ${t.submissions} submission(s): ${t.providers} provider(s), ${t.network} from the network itself, ${t.failed} could not be evaluated.`;
    status.textContent = text;
    announce(text);
    $('nw-csv').disabled = false;
    $('nw-json').disabled = false;
  } catch (e) {
    last = null;
    status.textContent = `Could not roll up the files: ${e.message}`;
  }
}

async function main() {
  try {
    await loadEngine();
  } catch (e) {
    const box = $('load-error');
    box.hidden = false;
    box.textContent = `The engine could not be loaded: ${e.message}`;
    return;
  }
  const select = $('nw-spec-select');
  fill(select, bundledSpecs.map((s) => h('option', { value: s.file }, s.title)));
  const pick = (file) => {
    const entry = bundledSpecs.find((s) => s.file === file);
    if (!entry) return;
    if (spec) spec.free();
    spec = compileSpec(bundledFiles[file], { name: file });
  };
  select.value = bundledSpecs.some((s) => s.file === 'adult_critical_care.netspec') ? 'adult_critical_care.netspec' : select.value;
  pick(select.value);
  select.addEventListener('change', () => {
    pick(select.value);
    rollUp();
  });
  $('nw-files').addEventListener('change', (e) => {
    files = [...e.target.files];
    rollUp();
  });
  const drop = $('nw-drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('nw-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('nw-over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('nw-over');
    files = [...e.dataTransfer.files];
    rollUp();
  });
  $('nw-csv').addEventListener('click', () => last && download(`${last.report.spec.id}-network.csv`, last.csv, 'text/csv'));
  $('nw-json').addEventListener('click', () => last && download(`${last.report.spec.id}-network.json`, `${JSON.stringify(last.report, null, 2)}\n`));
  window.netspecNetwork = { ready: true, get report() { return last && last.report; } };
}

main();
