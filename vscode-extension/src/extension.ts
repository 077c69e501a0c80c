// The VS Code side of pim: starts the language server and contributes the Compile, Simulate and Explore commands.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const configured = vscode.workspace.getConfiguration('pim').get<string>('server.path')?.trim();
  const module = configured || context.asAbsolutePath(join('dist', 'server.mjs'));
  return {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'pim' },
      { scheme: 'untitled', language: 'pim' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.pim') },
    initializationOptions: {
      printWidth: vscode.workspace.getConfiguration('pim').get<number>('format.printWidth') ?? 100,
    },
    outputChannel: output,
  };
  // The client id `pim` makes the `pim.trace.server` setting apply.
  client = new LanguageClient('pim', 'pim language server', serverOptions(context), clientOptions);
  await client.start();
}

/**
 * The pimc to run: `pim.compiler.path` when set, else the one bundled with the extension, run by the
 * extension host's own Node (VS Code's Electron runs scripts as Node with ELECTRON_RUN_AS_NODE).
 */
function pimcCommand(context: vscode.ExtensionContext): {
  file: string;
  prefix: string[];
  env: NodeJS.ProcessEnv;
  bundled: boolean;
} {
  const configured = vscode.workspace.getConfiguration('pim').get<string>('compiler.path')?.trim();
  if (configured) return { file: configured, prefix: [], env: process.env, bundled: false };
  return {
    file: process.execPath,
    prefix: [context.asAbsolutePath(join('dist', 'pimc', 'pimc.mjs'))],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    bundled: true,
  };
}

/** Runs `pimc ARGS…`, logging to the pim output channel; resolves with the exit code and output. */
function runPimc(
  context: vscode.ExtensionContext,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string; cannotRun?: string }> {
  const pimc = pimcCommand(context);
  const shown = pimc.bundled ? 'pimc (bundled)' : pimc.file;
  output?.appendLine(`$ ${shown} ${args.join(' ')}`);
  if (pimc.bundled && !existsSync(pimc.prefix[0]!)) {
    const cannotRun = `the bundled pimc is missing (${pimc.prefix[0]}); reinstall the extension or set pim.compiler.path`;
    output?.appendLine(cannotRun);
    return Promise.resolve({ code: 127, stdout: '', stderr: '', cannotRun });
  }
  return new Promise((resolve) => {
    execFile(
      pimc.file,
      [...pimc.prefix, ...args],
      { cwd, env: pimc.env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (stdout) output?.append(stdout);
        if (stderr) output?.append(stderr);
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
        if (error && typeof error.code !== 'number') {
          // The program could not be started at all (ENOENT, EACCES): say which setting names it.
          const cannotRun = `cannot run '${pimc.file}' (${String(error.code ?? error.message)}); check the pim.compiler.path setting`;
          output?.appendLine(cannotRun);
          return resolve({ code, stdout, stderr, cannotRun });
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The active `.pim` document, saved so that pimc sees what the user sees. */
async function activePimFile(): Promise<vscode.TextDocument | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'pim') {
    void vscode.window.showWarningMessage('pim: open a .pim file first.');
    return undefined;
  }
  if (doc.isUntitled) {
    void vscode.window.showWarningMessage('pim: save the file before compiling it.');
    return undefined;
  }
  if (doc.isDirty) await doc.save();
  return doc;
}

async function compileCommand(context: vscode.ExtensionContext): Promise<void> {
  const doc = await activePimFile();
  if (!doc) return;
  output?.show(true);
  const dir = vscode.Uri.joinPath(doc.uri, '..').fsPath;
  // The IR goes next to the source (`*.ir.json` is ignored by git).
  const irPath = doc.uri.fsPath.replace(/\.pim$/, '') + '.ir.json';
  const { code, cannotRun } = await runPimc(context, ['compile', doc.uri.fsPath, '-o', irPath], dir);
  if (code === 0) {
    const choice = await vscode.window.showInformationMessage(
      `pim: compiled ${basename(doc.uri.fsPath)} → ${basename(irPath)}`,
      'Open IR',
    );
    if (choice === 'Open IR')
      await vscode.window.showTextDocument(vscode.Uri.file(irPath), { viewColumn: vscode.ViewColumn.Beside });
  } else
    void vscode.window.showErrorMessage(
      cannotRun ? `pim: ${cannotRun}.` : `pim: compiling ${basename(doc.uri.fsPath)} failed (see the pim output).`,
    );
}

/** `pimc simulate` or `pimc explore` on the active file, its HTML page shown beside the editor. */
async function reportCommand(
  context: vscode.ExtensionContext,
  command: 'simulate' | 'explore',
  uri?: string,
  chosen?: string,
): Promise<void> {
  // From a code lens: the file and the mapping (exploration) above which it stands.
  if (uri) await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  const doc = await activePimFile();
  if (!doc) return;
  const dir = vscode.Uri.joinPath(doc.uri, '..').fsPath;
  // With several mappings (explorations) in the file, ask which one (pimc takes the first by default).
  const keyword = command === 'simulate' ? 'mapping' : 'explore';
  const names = [...doc.getText().matchAll(new RegExp(`^\\s*${keyword}\\s+([A-Za-z_][A-Za-z0-9_]*)`, 'gm'))].map(
    (m) => m[1]!,
  );
  let name: string | undefined = chosen;
  if (!name && names.length > 1) {
    name = await vscode.window.showQuickPick(names, {
      placeHolder: command === 'simulate' ? 'Mapping to simulate' : 'Exploration to run',
    });
    if (!name) return;
  }
  const html = join(mkdtempSync(join(tmpdir(), 'pim-report-')), 'report.html');
  const args = [
    command,
    doc.uri.fsPath,
    '--html',
    html,
    ...(name ? [`--${command === 'simulate' ? 'mapping' : 'explore'}`, name] : []),
  ];
  const what = command === 'simulate' ? 'simulating' : 'exploring';
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `pim: ${what} ${basename(doc.uri.fsPath)}${name ? ` (${name})` : ''}`,
    },
    () => runPimc(context, args, dir),
  );
  if (result.code !== 0) {
    output?.show(true);
    void vscode.window.showErrorMessage(`pim: ${failureMessage(command, result)}`);
    return;
  }
  const tool = command === 'simulate' ? 'simulator' : 'explorer';
  let report: string;
  try {
    report = readFileSync(html, 'utf8');
  } catch {
    void vscode.window.showErrorMessage(`pim: the ${tool} wrote no report at ${html}.`);
    return;
  }
  const panel = vscode.window.createWebviewPanel(
    'pimReport',
    `${command === 'simulate' ? 'Report' : 'Exploration'}: ${name ?? basename(doc.uri.fsPath)}`,
    vscode.ViewColumn.Beside,
    {
      enableScripts: true,
    },
  );
  panel.webview.html = report;
  context.subscriptions.push(panel);
}

/** Why `pimc simulate` / `pimc explore` failed, in the words of what the user can do about it. */
function failureMessage(
  command: 'simulate' | 'explore',
  result: { code: number; stderr: string; cannotRun?: string },
): string {
  if (result.cannotRun) return `${result.cannotRun}.`;
  const what = command === 'simulate' ? 'simulation' : 'exploration';
  if (/unknown command/i.test(result.stderr)) return `the pimc in use (pim.compiler.path) has no '${command}' command.`;
  // pimc's own account of what stopped it (a missing part of the installation, a data set or tfjs
  // backend that cannot load, an internal error), as opposed to diagnostics of the file.
  const reason = /^(?:pimc|error): .*$/m.exec(result.stderr)?.[0];
  if (reason) return `${what} failed: ${reason.replace(/^(?:pimc|error): /, '')}`;
  if (result.code === 1) return `the file has errors; see the Problems view and the pim output.`;
  return `${what} failed (exit code ${result.code}; see the pim output).`;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('pim');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('pim.compile', () => compileCommand(context)),
    vscode.commands.registerCommand('pim.simulate', (uri?: string, name?: string) =>
      reportCommand(context, 'simulate', uri, name),
    ),
    vscode.commands.registerCommand('pim.explore', (uri?: string, name?: string) =>
      reportCommand(context, 'explore', uri, name),
    ),
    vscode.commands.registerCommand('pim.restartServer', async () => {
      await client?.stop();
      await startClient(context);
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
