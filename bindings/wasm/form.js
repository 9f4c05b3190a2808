// The browser form's module (ES module): specs come as compiled documents
// (`netspec compile`), loaded and evaluated without the
// compiler, by a WebAssembly module a fraction of the full one's size. The
// Spec it gives is the full package's (js/core.js), and its reports are
// byte for byte the full module's. `await init()` once; by default it
// fetches pkg/form/netspec_form_wasm_bg.wasm next to this file.
import initRaw from './pkg/form/netspec_form_wasm.js';
import * as raw from './pkg/form/netspec_form_wasm.js';
import { createApi, NetspecError, Spec } from './pkg/core.mjs';

let api;

/** The module version; set by init(). */
export let version = '';

export default async function init(input) {
  if (api !== undefined) return;
  await initRaw(input === undefined ? undefined : { module_or_path: input });
  api = createApi(raw);
  version = api.version;
}

/** A Spec from its compiled document; throws a NetspecError (NS0312) when it is refused. */
export function loadCompiled(document) {
  if (api === undefined) {
    throw new NetspecError('loadCompiled: call `await init()` before using netspec', { kind: 'usage' });
  }
  return api.loadCompiled(document);
}

export { NetspecError, Spec };
