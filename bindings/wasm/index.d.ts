// netspec for node (CommonJS or ESM import): the WebAssembly engine, ready on load.
import type { CodeInfo, CompileOptions, Completions, HoverInfo, SourceText, Spec } from './types';

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

/**
 * What to show when the pointer rests at `offset` (a JavaScript string index,
 * i.e. UTF-16 code units) in `source` (one spec's text; its `use`s are not
 * read), or null: an input's question, type, range and unit; a requirement's
 * title, level, basis and ref; a function's signature and doc line. Never
 * throws; a broken spec answers from the parts that parse.
 */
export declare function hover(source: string, offset: number): HoverInfo | null;

/**
 * Completion candidates at `offset` (UTF-16 code units); `from` is where the
 * word being completed starts. Never throws (a broken spec gives what can be
 * found, possibly nothing).
 */
export declare function complete(source: string, offset: number): Completions;
