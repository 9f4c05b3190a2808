// Renders a netspec report (the JSON of `netspec eval --format json`) as HTML:
// who it is for (the submission header), the overall rating and compliance,
// a summary of the seven areas, and per area each requirement's outcome with
// its level and basis, its explanation in words with what it would take to
// pass, the guidance and source for what is not met, the questions still to
// answer (links that jump to them), runtime problems and evidence.
import { h, fill } from './dom.js';

export const RATING = { green: 'Green', amber: 'Amber', red: 'Red', incomplete: 'Incomplete' };
export const OUTCOME = { met: 'Met', not_met: 'Not met', not_applicable: 'Not applicable', incomplete: 'Incomplete' };

export const countsText = (c) =>
  `${c.met} met · ${c.not_met} not met · ${c.not_applicable} not applicable · ${c.incomplete} incomplete`;

export const ratingBadge = (rating, extra = '') =>
  h('span', { class: `badge rating-${rating} ${extra}`.trim() }, RATING[rating] || rating);

/** "Compliance 20.59%": met ÷ (met + not met); a dash when nothing was met or not met. */
export const complianceText = (c) => (typeof c === 'number' ? `Compliance ${c}%` : 'Compliance —');
const complianceTitle = (c) =>
  typeof c === 'number' ? 'met ÷ (met + not met); not applicable and incomplete left out' : 'no requirement was met or not met yet';

/** Where a requirement's threshold comes from, as shown beside its level. */
export const BASIS = {
  standard: 'from a standard',
  derived: 'derived from a standard',
  estimate: 'estimated threshold',
};
export const basisText = (b) => BASIS[b] || 'basis not stated';
export const RESPONDENT = { provider: 'provider service', network: 'network' };

/** The level with its basis: `must · estimated threshold`. */
export function levelBadge(r) {
  const basis = r.basis === undefined ? null : basisText(r.basis);
  return h(
    'span',
    { class: `level level-${r.level}${r.basis === 'estimate' ? ' basis-estimate' : ''}${r.basis === null ? ' basis-none' : ''}` },
    r.level,
    basis ? h('span', { class: 'basis' }, ` · ${basis}`) : null,
  );
}

/**
 * Turns a report element label into a JSON pointer:
 * `units[1] (B) › shifts[0] (night)` -> `/units/1/shifts/0`; null when it is not one.
 */
export function elementPointer(element) {
  if (!element) return null;
  const parts = element.split(' › ');
  let p = '';
  for (const part of parts) {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\[(\d+)\]/.exec(part);
    if (!m) return null;
    // a nested element names its list relative to the parent element
    p += '/' + m[1].split('.').join('/') + '/' + m[2];
  }
  return p;
}

/**
 * Renders `report` into `container`.
 * options.jump(path): called when a missing question or a list element is
 * activated; options.canJump(path) says whether a link is offered.
 * options.idPrefix: prefix for element ids (several reports on one page).
 */
export function renderReport(container, report, options = {}) {
  const {
    jump,
    canJump = () => !!jump,
    idPrefix = 'r',
    hrefFor = (p) => `#q${p}`,
    pathLabel = () => null,
    hideWarnings = [],
    provisional = null,
  } = options;
  // keep the <details> the reader opened
  const open = new Set([...container.querySelectorAll('details[open][data-key]')].map((d) => d.dataset.key));

  const link = (path, text, cls) => {
    if (jump && canJump(path)) {
      return h(
        'a',
        {
          href: hrefFor(path),
          class: cls,
          dataset: { path },
          onclick: (e) => {
            e.preventDefault();
            jump(path);
          },
        },
        text,
      );
    }
    return h('span', { class: cls }, text);
  };

  const overall = h(
    'div',
    { class: `overall rating-box rating-${report.overall.rating}`, id: `${idPrefix}-overall` },
    h('span', { class: 'overall-label' }, 'Overall rating'),
    ratingBadge(report.overall.rating, 'badge-large'),
    h('span', { class: 'compliance compliance-large', title: complianceTitle(report.overall.compliance) }, complianceText(report.overall.compliance)),
    h('span', { class: 'counts' }, countsText(report.overall.counts)),
  );

  const hd = report.header;
  const meta = h(
    'div',
    { class: 'report-meta' },
    h(
      'p',
      null,
      h('strong', null, report.spec.title),
      report.spec.version ? ` (version ${report.spec.version})` : '',
      report.assessed_on ? ` · assessed on ${report.assessed_on}` : '',
    ),
    hd
      ? h(
          'dl',
          { class: 'header-echo', id: `${idPrefix}-header` },
          h('dt', null, 'Organisation'),
          h('dd', null, `${hd.organisation.name} (${hd.organisation.ods_code})`),
          h('dt', null, 'Respondent'),
          h('dd', null, RESPONDENT[hd.respondent] || hd.respondent),
          h('dt', null, 'Period'),
          h('dd', null, `${hd.period.start} to ${hd.period.end}`),
          h('dt', null, 'Completed by'),
          h('dd', null, hd.completed_by),
          h('dt', null, 'Signed off'),
          h('dd', null, hd.signed_off ? `${hd.signed_off.by}, ${hd.signed_off.on}` : 'not yet'),
        )
      : report.respondent
        ? h('p', { class: 'header-echo unattributed', id: `${idPrefix}-header` }, `Not attributed to an organisation: rated as a ${RESPONDENT[report.respondent] || report.respondent}.`)
        : null,
    provisional ? h('p', { class: 'provisional', id: `${idPrefix}-provisional` }, provisional) : null,
  );

  const summary = h(
    'div',
    { class: 'area-summary-wrap' },
    h(
    'table',
    { class: 'area-summary' },
    h('caption', { class: 'visually-hidden' }, 'Rating of each area'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Area'),
        h('th', { scope: 'col' }, 'Rating'),
        h('th', { scope: 'col', class: 'num compliance-col' }, 'Compliance'),
        h('th', { scope: 'col', class: 'num' }, h('abbr', { title: 'met' }, 'Met')),
        h('th', { scope: 'col', class: 'num' }, h('abbr', { title: 'not met' }, 'Not met')),
        h('th', { scope: 'col', class: 'num' }, h('abbr', { title: 'not applicable' }, 'N/A')),
        h('th', { scope: 'col', class: 'num' }, h('abbr', { title: 'incomplete' }, 'To do')),
      ),
    ),
    h(
      'tbody',
      null,
      report.areas.map((a) =>
        h(
          'tr',
          { class: `area-row rating-${a.rating}` },
          h('th', { scope: 'row' }, h('a', { href: `#${idPrefix}-area-${a.area}` }, a.title)),
          h('td', null, ratingBadge(a.rating)),
          h('td', { class: 'num compliance-col', title: complianceTitle(a.compliance) }, typeof a.compliance === 'number' ? `${a.compliance}%` : '—'),
          h('td', { class: 'num' }, a.counts.met),
          h('td', { class: 'num' }, a.counts.not_met),
          h('td', { class: 'num' }, a.counts.not_applicable),
          h('td', { class: 'num' }, a.counts.incomplete),
        ),
      ),
    ),
    ),
  );

  const shownWarnings = report.warnings.filter((w) => !hideWarnings.includes(w.code));
  const warnings = shownWarnings.length
    ? h(
        'div',
        { class: 'report-warnings' },
        h('h3', null, 'Warnings about the answers'),
        h(
          'ul',
          null,
          shownWarnings.map((w) =>
            h('li', null, w.path ? link(w.path, w.path, 'path') : '', w.path ? ': ' : '', w.message, w.help ? ` (${w.help})` : ''),
          ),
        ),
      )
    : null;

  const notMet = report.requirements.filter((r) => r.outcome === 'not_met');
  const attention = notMet.length
    ? h(
        'div',
        { class: 'attention' },
        h('h3', null, `Not met (${notMet.length})`),
        h(
          'ul',
          null,
          notMet.map((r) =>
            h(
              'li',
              null,
              h('a', { href: `#${idPrefix}-req-${r.id}` }, h('span', { class: 'req-id' }, r.id), ` (${r.level}${r.basis === undefined ? '' : ` · ${basisText(r.basis)}`}) ${r.title}`),
            ),
          ),
        ),
      )
    : null;

  function toPass(c) {
    if (!Array.isArray(c.to_pass) || !c.to_pass.length) return null;
    return h(
      'ul',
      { class: 'to-pass' },
      c.to_pass.map((t) =>
        h(
          'li',
          null,
          h('span', { class: 'to-pass-label' }, 'To pass: '),
          t.path ? link(t.path, t.message, 'to-pass-message') : h('span', { class: 'to-pass-message' }, t.message),
          // counts and dates: the answer now and the one that passes (a yes/no change says it all)
          ['number', 'string'].includes(typeof t.from) && ['number', 'string'].includes(typeof t.to)
            ? h('span', { class: 'to-pass-range' }, ` (now ${t.from}, needs ${t.to})`)
            : null,
        ),
      ),
    );
  }

  function checks(r) {
    return h(
      'ul',
      { class: 'checks' },
      r.explanation.map((c) => {
        const ptr = elementPointer(c.element);
        const outOfScope = c.in_scope === false;
        const name = c.element_name || c.element;
        const state = outOfScope ? 'out-of-scope' : c.held ? 'held' : 'failed';
        return h(
          'li',
          { class: `check ${state}` },
          h('span', { class: 'visually-hidden' }, outOfScope ? 'out of scope: ' : c.held ? 'holds: ' : 'fails: '),
          name ? [ptr ? link(ptr, name, 'element') : h('span', { class: 'element' }, name), ': '] : '',
          h('span', { class: 'message' }, c.message),
          outOfScope ? h('span', { class: 'scope-note' }, ' (out of scope for this check)') : null,
          c.held || outOfScope ? null : toPass(c),
        );
      }),
    );
  }

  /** The guidance and the source, for a requirement not met or incomplete. */
  function guidance(r) {
    const out = [];
    if (r.help) out.push(h('p', { class: 'req-help' }, h('strong', null, 'Guidance: '), r.help));
    if (r.ref) out.push(h('p', { class: 'req-ref' }, h('strong', null, 'Source: '), r.ref));
    return out;
  }

  function requirement(r) {
    const body = [];
    if (r.outcome === 'not_met') {
      body.push(checks(r), guidance(r));
    } else if (r.outcome === 'incomplete') {
      if (r.missing.length) {
        body.push(
          h('p', { class: 'missing-intro' }, r.missing.length === 1 ? 'Still to answer:' : `Still to answer (${r.missing.length}):`),
          h(
            'ul',
            { class: 'missing' },
            r.missing.map((m) => {
              const where = pathLabel(m.path);
              return h(
                'li',
                null,
                where ? h('span', { class: 'element' }, `${where}: `) : null,
                link(m.path, m.question, 'question'),
                ' ',
                h('code', { class: 'path' }, m.path),
              );
            }),
          ),
        );
      }
      if (r.explanation.length) body.push(checks(r));
      body.push(guidance(r));
    } else if (r.explanation.length) {
      const key = `${r.id}-why`;
      const d = h(
        'details',
        { class: 'why', dataset: { key } },
        h('summary', null, r.outcome === 'met' ? 'Why it is met' : 'Why it does not apply'),
        checks(r),
      );
      if (open.has(key)) d.open = true;
      body.push(d);
    } else if (r.outcome === 'not_applicable') {
      body.push(h('p', { class: 'why-text' }, 'It does not apply to this provider.'));
    }
    if (r.problems.length) {
      body.push(h('ul', { class: 'problems' }, r.problems.map((p) => h('li', null, h('strong', null, 'Problem: '), p))));
    }
    const ev = r.evidence;
    if (ev.declared.length) {
      const given = new Map(ev.given.map((g) => [g.key, g.reference]));
      body.push(
        h(
          'div',
          { class: 'evidence' },
          h('span', { class: 'evidence-label' }, `Evidence (${ev.given.length} of ${ev.declared.length} given):`),
          h(
            'ul',
            null,
            ev.declared.map((d) =>
              h(
                'li',
                { class: given.has(d.key) ? 'given' : 'not-given' },
                link(`/evidence/${r.id}/${d.key}`, d.description, 'evidence-desc'),
                d.required ? h('span', { class: 'required-tag' }, ' (required)') : null,
                given.has(d.key) ? ` — ${given.get(d.key)}` : ' — not given',
              ),
            ),
          ),
        ),
      );
    }
    return h(
      'li',
      { class: `req outcome-${r.outcome}`, id: `${idPrefix}-req-${r.id}`, dataset: { id: r.id, outcome: r.outcome } },
      h(
        'div',
        { class: 'req-head' },
        h('span', { class: `outcome-badge outcome-${r.outcome}` }, OUTCOME[r.outcome]),
        ' ',
        h('span', { class: 'req-id' }, r.id),
        ' ',
        levelBadge(r),
      ),
      h('p', { class: 'req-title' }, r.title),
      body,
    );
  }

  // The areas stay between renders of the same spec: a requirement is drawn
  // again only when its result changed, so a keystroke costs little.
  const shape = `${idPrefix}|${report.requirements.map((r) => `${r.area}:${r.id}`).join(',')}`;
  let cache = container.netspecReport;
  if (!cache || cache.shape !== shape || cache.areasEl.parentNode !== container) {
    cache = { shape, top: h('div', { class: 'report-top' }), areasEl: h('div', { class: 'areas' }), sections: new Map(), reqs: new Map() };
    for (const a of report.areas) {
      const badge = ratingBadge(a.rating);
      const compliance = h('span', { class: 'compliance' });
      const counts = h('p', { class: 'counts' });
      const has = report.requirements.some((r) => r.area === a.area);
      const ul = h('ul', { class: 'reqs' });
      const section = h(
        'section',
        { id: `${idPrefix}-area-${a.area}`, 'aria-labelledby': `${idPrefix}-area-${a.area}-h` },
        h('h3', { id: `${idPrefix}-area-${a.area}-h`, class: 'area-head' }, h('span', { class: 'area-title' }, a.title), ' ', badge, ' ', compliance),
        counts,
        has ? ul : h('p', { class: 'none' }, 'No requirements in this area.'),
      );
      cache.sections.set(a.area, { section, badge, compliance, counts, ul });
      cache.areasEl.append(section);
    }
    fill(container, cache.top, cache.areasEl);
    container.netspecReport = cache;
  }
  for (const a of report.areas) {
    const s = cache.sections.get(a.area);
    s.section.className = `area rating-${a.rating}`;
    s.badge.className = `badge rating-${a.rating}`;
    s.badge.textContent = RATING[a.rating] || a.rating;
    s.counts.textContent = countsText(a.counts);
    s.compliance.textContent = complianceText(a.compliance);
    s.compliance.title = complianceTitle(a.compliance);
  }
  for (const r of report.requirements) {
    const json = JSON.stringify(r) + r.missing.map((m) => pathLabel(m.path) || '').join('|');
    const prev = cache.reqs.get(r.id);
    if (prev && prev.json === json) continue;
    const node = requirement(r);
    if (prev) prev.node.replaceWith(node);
    else cache.sections.get(r.area).ul.append(node);
    cache.reqs.set(r.id, { json, node });
  }
  fill(cache.top, meta, overall, summary, attention, warnings);
}
