// The self-assessment form's engine: the form's small WebAssembly module
// (bindings/wasm/form.js, served under /wasm/) with the bundled specs'
// compiled documents (generated/compiled/*.json, made by
// scripts/bundle-specs.mjs), and the bundled specs' menu and examples
// (bundle.js). The full module (engine.js) is loaded only when a
// person opens a spec's source of their own, which must be compiled, or
// first reads or writes a FHIR QuestionnaireResponse (the form's module has
// no FHIR: fhirSpec below).
import init, { loadCompiled, NetspecError, version } from '../wasm/form.js';
import { bundledFiles, bundledSpec, loadBundle } from './bundle.js';

export { NetspecError };
export { bundledFiles, bundledSpecs, bundledSpec } from './bundle.js';

let ready;
/** Loads the form's module and the bundled specs, once, side by side. */
export function loadEngine() {
  if (!ready) {
    ready = Promise.all([init(), loadBundle()]).then(() => undefined);
  }
  return ready;
}

export const engineVersion = () => version;

/**
 * A bundled spec, from its compiled document (or compiled from its source
 * by the full module when the bundle was made without documents).
 */
export async function loadBundled(file) {
  const s = bundledSpec(file);
  if (!s) throw new NetspecError(`no bundled spec ${file}`, { kind: 'usage' });
  if (!s.document) return compileSpec(bundledFiles[file], { name: file });
  const response = await fetch(new URL(`../generated/${s.document}`, import.meta.url));
  if (!response.ok) throw new Error(`${s.document}: HTTP ${response.status}`);
  return loadCompiled(await response.text());
}

/**
 * Compiles spec source with the full module, loaded the first time it is
 * needed; every bundled file but the spec itself is offered as a used file.
 */
export async function compileSpec(source, { name = 'spec.netspec' } = {}) {
  const full = await import('./engine.js');
  await full.loadEngine();
  const spec = full.compileSpec(source, { name });
  byFullModule.add(spec);
  return spec;
}

// The Specs made by the full module: they read and write FHIR themselves.
const byFullModule = new WeakSet();

/**
 * The Spec that reads and writes FHIR QuestionnaireResponses for `spec`
 * (loaded as the spec `key`, a bundled file name or `file:<name>`): `spec`
 * itself when the full module made it; otherwise the bundled spec's source
 * compiled by the full module, which is loaded the first time it is needed
 * (the form's module has no FHIR). A Spec given that is not `spec` is the
 * caller's to free.
 */
export async function fhirSpec(spec, key) {
  if (byFullModule.has(spec)) return spec;
  const source = bundledFiles[key];
  if (typeof source !== 'string') throw new NetspecError(`no bundled spec ${key}`, { kind: 'usage' });
  return compileSpec(source, { name: key });
}
