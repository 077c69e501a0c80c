// code-server (VS Code in the browser, built for Node 20) for the end-to-end test, installed from the
// npm registry into a cache outside the work tree and reused by later runs. Its install scripts cannot
// run here (they download ripgrep and prebuilt binaries from the internet), so this does their work:
// `--ignore-scripts` installs, Debian's ripgrep where @vscode/ripgrep expects its binary, and the
// native modules code-server needs built from source with `npm rebuild`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CODE_SERVER_VERSION = '4.99.4';

/** Where the install is cached: $PIM_TEST_CACHE or ~/.cache/pim-test, one folder per version. */
export function codeServerCache(): string {
  return join(
    process.env['PIM_TEST_CACHE'] ?? join(homedir(), '.cache', 'pim-test'),
    `code-server-${CODE_SERVER_VERSION}`,
  );
}

function entryOf(dir: string): string {
  return join(dir, 'node_modules/code-server/out/node/entry.js');
}

async function npm(args: string[], cwd: string, log: (s: string) => void): Promise<void> {
  log(`npm ${args.join(' ')}  (in ${cwd})`);
  // npm_config_yes: node-pty's build script runs `npx node-gyp`, which would otherwise ask (no TTY here).
  await run('npm', [...args, '--no-audit', '--no-fund'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_yes: 'true' },
  });
}

/**
 * The path of code-server's entry script, installing it first when the cache has none. The install
 * goes to a temporary folder renamed into place at the end, so a run that is stopped halfway, or two
 * runs at once, never leave a half-installed cache behind. Returns how long the install took (0 when
 * cached).
 */
export async function ensureCodeServer(
  log: (s: string) => void = () => {},
): Promise<{ entry: string; installSeconds: number }> {
  const dir = codeServerCache();
  if (existsSync(join(dir, 'ready.json'))) return { entry: entryOf(dir), installSeconds: 0 };
  const started = Date.now();
  const tmp = `${dir}.installing-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await installInto(tmp, log);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const installSeconds = (Date.now() - started) / 1000;
  writeFileSync(join(tmp, 'ready.json'), JSON.stringify({ version: CODE_SERVER_VERSION, installSeconds }) + '\n');
  try {
    renameSync(tmp, dir);
  } catch {
    // Another run finished first: use its install.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'ready.json')))
      throw new Error(`code-server install at ${dir} is incomplete; remove it and run again`);
  }
  return { entry: entryOf(dir), installSeconds };
}

async function installInto(tmp: string, log: (s: string) => void): Promise<void> {
  writeFileSync(join(tmp, 'package.json'), '{ "private": true }\n');
  await npm(['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts'], tmp, log);
  // What code-server's postinstall does, minus the downloads.
  const vscode = join(tmp, 'node_modules/code-server/lib/vscode');
  await npm(['install', '--omit=dev', '--ignore-scripts'], vscode, log);
  const rgDir = join(vscode, 'node_modules/@vscode/ripgrep/bin');
  mkdirSync(rgDir, { recursive: true });
  symlinkSync('/usr/bin/rg', join(rgDir, 'rg'));
  symlinkSync('node_modules', join(vscode, 'node_modules.asar'));
  // Native modules: argon2 (code-server's password hashing, loaded at start), and VS Code's terminal,
  // file watcher guard and logger. kerberos (proxy authentication) needs Kerberos headers and is not
  // needed here.
  await npm(['rebuild', 'argon2'], tmp, log);
  await npm(['rebuild', 'node-pty', 'native-watchdog', '@vscode/spdlog'], vscode, log);
}

export interface CodeServer {
  url: string;
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Installs an extension (.vsix) into an extensions folder with code-server's own CLI. */
export async function installExtension(
  entry: string,
  vsix: string,
  dirs: { userData: string; extensions: string },
): Promise<string> {
  const { stdout, stderr } = await run(
    process.execPath,
    [entry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix],
    {
      timeout: 120000,
    },
  );
  return stdout + stderr;
}

/** Starts code-server on a free loopback port, without authentication or telemetry, on a folder. */
export function startCodeServer(
  entry: string,
  folder: string,
  dirs: { userData: string; extensions: string; config: string },
): Promise<CodeServer> {
  writeFileSync(dirs.config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const args = [
    entry,
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config',
    dirs.config,
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    folder,
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 120 s:\n${log}`)), 120000);
    const onData = (d: Buffer): void => {
      log += d.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          process: proc,
          log: () => log,
          stop: () =>
            new Promise<void>((done) => {
              if (proc.exitCode !== null) return done();
              proc.once('exit', () => done());
              proc.kill('SIGTERM');
              setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
            }),
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${log}`));
    });
  });
}
