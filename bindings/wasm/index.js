// netspec for node: the WebAssembly engine behind a small API (types: index.d.ts).
'use strict';

const { createApi } = require('./pkg/core.cjs');

const api = createApi(require('./pkg/node/netspec_wasm.js'));

// one assignment each, so that `import { compile } from 'netspec'` finds them
exports.version = api.version;
exports.compile = api.compile;
exports.explain = api.explain;
exports.codes = api.codes;
exports.hover = api.hover;
exports.complete = api.complete;
exports.NetspecError = api.NetspecError;
exports.Spec = api.Spec;
Object.defineProperty(exports, '__panicForTests', { value: api.__panicForTests, enumerable: false });
