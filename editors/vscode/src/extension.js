// The netspec extension: the language (highlighting, brackets, comments)
// is declared in package.json; this starts the netspec language server,
// `netspec lsp` over stdio, for .netspec files, and restarts it on demand
// or when its settings change.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** How the server is started: `netspec.server.path` with
 *  `netspec.server.extraArgs` and then `lsp`. */
function serverOptions() {
  const cfg = vscode.workspace.getConfiguration('netspec');
  const command = cfg.get('server.path') || 'netspec';
  const extra = cfg.get('server.extraArgs') || [];
  const run = { command, args: [...extra, 'lsp'], transport: TransportKind.stdio };
  return { run, debug: run };
}

function clientOptions() {
  return {
    documentSelector: [
      { scheme: 'file', language: 'netspec' },
      { scheme: 'untitled', language: 'netspec' },
    ],
    synchronize: {
      // tests read submissions from JSON files beside the spec
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{netspec,json}'),
    },
  };
}

async function start() {
  client = new LanguageClient('netspec', 'netspec language server', serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(
      `netspec: could not start \`${serverOptions().run.command} lsp\` (${e && e.message ? e.message : e}). ` +
        'Install the netspec command or set `netspec.server.path`.',
    );
  }
}

async function stop() {
  if (client) {
    const c = client;
    client = undefined;
    try {
      await c.stop();
    } catch {
      // already stopped
    }
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('netspec.restartServer', async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('netspec.server')) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverOptions, clientOptions };
