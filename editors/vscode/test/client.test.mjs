// The client starts `netspec lsp` over stdio for .netspec documents, with
// the command and the extra arguments from the settings. `vscode` and the
// language client are stood in for (they need a running editor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module, { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function load(settings) {
  const started = [];
  const registered = [];
  const vscode = {
    workspace: {
      getConfiguration: () => ({ get: (k) => settings[k] }),
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
    },
    window: { showErrorMessage: (m) => started.push({ error: m }) },
    commands: { registerCommand: (name) => registered.push(name) },
  };
  class LanguageClient {
    constructor(id, name, server, client) {
      Object.assign(this, { id, name, server, client });
    }
    async start() {
      started.push(this);
    }
    async stop() {}
  }
  const client = { LanguageClient, TransportKind: { stdio: 0 } };
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return client;
    return original.call(this, request, ...rest);
  };
  try {
    const path = require.resolve('../src/extension.js');
    delete require.cache[path];
    return { ext: require(path), started, registered };
  } finally {
    Module._load = original;
  }
}

test('starts `netspec lsp` over stdio for netspec documents', async () => {
  const { ext, started, registered } = load({});
  await ext.activate({ subscriptions: [] });
  assert.equal(started.length, 1);
  const c = started[0];
  assert.equal(c.id, 'netspec');
  assert.deepEqual(c.server.run, { command: 'netspec', args: ['lsp'], transport: 0 });
  assert.deepEqual(c.client.documentSelector.map((d) => d.language), ['netspec', 'netspec']);
  assert.deepEqual(registered, ['netspec.restartServer']);
});

test('the command and extra arguments come from the settings', () => {
  const { ext } = load({ 'server.path': '/opt/netspec/bin/netspec', 'server.extraArgs': ['--root', 'specs'] });
  assert.deepEqual(ext.serverOptions().run.args, ['--root', 'specs', 'lsp']);
  assert.equal(ext.serverOptions().run.command, '/opt/netspec/bin/netspec');
});

test('package.json declares the language, grammar and client entry point', async () => {
  const pkg = require('../package.json');
  assert.equal(pkg.main, './src/extension.js');
  assert.deepEqual(pkg.contributes.languages[0].extensions, ['.netspec']);
  assert.equal(pkg.contributes.grammars[0].scopeName, 'source.netspec');
  const grammar = require('../syntaxes/netspec.tmLanguage.json');
  assert.equal(grammar.scopeName, 'source.netspec');
  const conf = require('../language-configuration.json');
  assert.equal(conf.comments.lineComment, '//');
  assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
});
