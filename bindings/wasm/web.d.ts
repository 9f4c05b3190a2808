// netspec for browsers (ES module): call `await init()` once before anything else.
import type { CodeInfo, CompileOptions, SourceText, Spec } from './types';

export * from './types';

/** Where to load the .wasm from: its URL, a fetch Response, its bytes, or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the engine. Without an argument it fetches `pkg/web/netspec_wasm_bg.wasm`
 * next to web.js. Calling it again does nothing.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Loads the engine synchronously from the .wasm bytes or a compiled module. */
export declare function initSync(module: BufferSource | WebAssembly.Module): void;

/** The version of the package and of the engine inside it ('' until init() has run). */
export declare let version: string;

/**
 * Compiles a spec from its source text (a string, or bytes read as UTF-8). Files it `use`s (and its tests'
 * `given file` submissions) come through `options.files`.
 * Throws a NetspecError: kind `compile` with the diagnostics, or `usage`
 * (also when init() has not run).
 */
export declare function compile(source: SourceText, options?: CompileOptions): Spec;

/** What a diagnostic code (e.g. `"NS0002"`, in upper or lower case) means; undefined for an unknown code. */
export declare function explain(code: string): CodeInfo | undefined;

/** Every diagnostic code. */
export declare function codes(): CodeInfo[];
