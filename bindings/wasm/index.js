// netspec for node: the WebAssembly engine behind a small API (types: index.d.ts).
'use strict';

const { createApi } = require('./pkg/core.cjs');

module.exports = createApi(require('./pkg/node/netspec_wasm.js'));
