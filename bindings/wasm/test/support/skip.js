// Skips that CI does not allow. A test whose prerequisite is missing (the
// CLI, Chromium, playwright-core) skips locally, printing why; under CI (CI
// set to anything but '', 0 or false: .ci/run sets CI=true) it is a failing
// test that says what is missing, and ci.sh fails on any skip besides.
'use strict';

const test = require('node:test');

const IN_CI = !['', '0', 'false'].includes(String(process.env.CI || '').toLowerCase());
const reported = new Set();

// The `skip` option for a test that needs what `reason` says is missing
// (false: nothing is missing).
function skipUnless(reason) {
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

module.exports = { IN_CI, skipUnless };
