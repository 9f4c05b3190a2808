// The engine (bindings/wasm, served under /wasm/) and the bundled specs
// (bundle.js).
import init, { compile, explain, NetspecError, version } from '../wasm/web.js';
import * as wasm from '../wasm/web.js';
import { bundledFiles, loadBundle } from './bundle.js';

export { explain, NetspecError };
export { bundledFiles, bundledSpecs, bundledSpec } from './bundle.js';

/**
 * The engine's editor queries, `hover(source, offset)` and
 * `complete(source, offset)` (typed in the package's .d.ts), or null
 * when this build of the package does not have them: the playground's hover
 * and completion are then off.
 */
export function editorQueries() {
  return typeof wasm.hover === 'function' && typeof wasm.complete === 'function'
    ? { hover: wasm.hover, complete: wasm.complete }
    : null;
}

let ready;
/**
 * Loads the WebAssembly engine and the bundled specs, once, side by side:
 * the engine starts while the (large) bundle is still arriving.
 */
export function loadEngine() {
  if (!ready) {
    ready = Promise.all([init(), loadBundle()]).then(() => undefined);
  }
  return ready;
}

export const engineVersion = () => version;

/**
 * Compiles spec source. `name` is its file name (relative paths in `use` and
 * `given file` resolve from it); every bundled file but the spec itself is
 * offered as a used file, so `use "common/network_governance.netspec"` and
 * the examples the bundled tests read are found.
 */
export function compileSpec(source, { name = 'spec.netspec', tests = false } = {}) {
  const files = {};
  for (const [f, text] of Object.entries(bundledFiles)) if (f !== name) files[f] = text;
  return compile(source, { name, files, tests });
}

/** Today as YYYY-MM-DD in the local time zone. */
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
