// netspec for node (CommonJS or ESM import): the WebAssembly engine, ready on load.
import type { CodeInfo, CompileOptions, SourceText, Spec } from './types';

export * from './types';

/** The version of the package and of the engine inside it. */
export declare const version: string;

/**
 * Compiles a spec from its source text (a string, or bytes read as UTF-8). Files it `use`s (and its tests'
 * `given file` submissions) come through `options.files`.
 * Throws a NetspecError: kind `compile` with the diagnostics, or `usage`.
 */
export declare function compile(source: SourceText, options?: CompileOptions): Spec;

/** What a diagnostic code (e.g. `"NS0002"`, in upper or lower case) means; undefined for an unknown code. */
export declare function explain(code: string): CodeInfo | undefined;

/** Every diagnostic code. */
export declare function codes(): CodeInfo[];
