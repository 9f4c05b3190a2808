// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (or
// CHROMIUM) driven by playwright-core. `skip` is the test option: false when
// both are there, else the reason (which fails the run under CI: skip.js).
'use strict';

const fs = require('node:fs');
const { skipUnless } = require('./skip.js');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (_) {
  chromium = undefined;
}

function missing() {
  if (!fs.existsSync(CHROMIUM)) return `no browser at ${CHROMIUM}`;
  if (!chromium) return 'playwright-core is not installed';
  return false;
}

module.exports = { CHROMIUM, chromium, browserSkip: () => skipUnless(missing()) };
