// netspec for browsers (ES module): `await init()` once, then use the API
// (types: web.d.ts). By default init() fetches pkg/web/netspec_wasm_bg.wasm
// next to this file; pass a URL, Response, bytes or a WebAssembly.Module instead.
import initRaw, { initSync as initSyncRaw } from './pkg/web/netspec_wasm.js';
import * as raw from './pkg/web/netspec_wasm.js';
import { createApi, NetspecError, Spec } from './pkg/core.mjs';

let api;

/** The package version; set by init(). */
export let version = '';

function ready() {
  if (api === undefined) api = createApi(raw);
  version = api.version;
  return api;
}

export default async function init(input) {
  if (api !== undefined) return;
  await initRaw(input === undefined ? undefined : { module_or_path: input });
  ready();
}

export function initSync(module) {
  if (api !== undefined) return;
  initSyncRaw({ module });
  ready();
}

function engine(where) {
  if (api === undefined) {
    throw new NetspecError(`${where}: call \`await init()\` (or initSync) before using netspec`, { kind: 'usage' });
  }
  return api;
}

export function compile(source, options) {
  return engine('compile').compile(source, options);
}

export function explain(code) {
  return engine('explain').explain(code);
}

export function codes() {
  return engine('codes').codes();
}

// the editor queries never throw: before init() they find nothing
export function hover(source, offset) {
  return api === undefined ? null : api.hover(source, offset);
}

export function complete(source, offset) {
  if (api === undefined) return { from: typeof offset === 'number' && Number.isFinite(offset) ? Math.max(0, Math.floor(offset)) : 0, options: [] };
  return api.complete(source, offset);
}

export { NetspecError, Spec };
