// The commands the documentation gives a user to paste must name things that exist: every `pimc`
// command and each of its flags (as that command's --help lists them), every file a command or a
// `node …` line names, every `npm run` script. The README's own commands also run in a fresh copy
// (test/runtime/fresh-clone.test.ts); the rest of docs/ is only read here, since many of its
// commands train for minutes or need Redis.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@pim/cli';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface DocCommand {
  where: string;
  text: string;
}

/** The documents a user reads: the README and every page of docs/. */
function docFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/**
 * Shell lines of fenced blocks (continuations joined, comments dropped) and inline code spans that
 * start a command, each with its file and line.
 */
function commandsOf(file: string): DocCommand[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const out: DocCommand[] = [];
  // A fence's language: shell blocks are unlabelled or sh/bash/console; pim, lua and the rest are not commands.
  let fence: string | undefined;
  let pending = '';
  let start = 0;
  lines.forEach((line, i) => {
    const f = /^\s*```(\w*)/.exec(line);
    if (f) {
      fence = fence === undefined ? f[1]! : undefined;
      return;
    }
    if (fence !== undefined) {
      if (!['', 'sh', 'bash', 'console'].includes(fence)) return;
      const code = line.replace(/(^|\s)#.*$/, '').trimEnd();
      if (!pending) start = i + 1;
      if (code.endsWith('\\')) pending += code.slice(0, -1) + ' ';
      else {
        const whole = (pending + code).trim();
        pending = '';
        if (whole) out.push({ where: `${file}:${start}`, text: whole });
      }
      return;
    }
    for (const m of line.matchAll(/`([^`]+)`/g)) {
      if (/^(npx |node |npm run )?pimc? |^node |^npm run /.test(m[1]!))
        out.push({ where: `${file}:${i + 1}`, text: m[1]! });
    }
  });
  return out;
}

/** Words of a shell command, quotes and a subshell's parentheses removed (the documents quote URLs and `$(nproc)` only). */
function words(text: string): string[] {
  return [...text.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((m) =>
    m[0].replace(/^\(|\)$/g, '').replace(/^['"]|['"]$/g, ''),
  );
}

/** A line's commands (split at `&&`, `;`, `|`), each with the folder it runs in after any `cd` before it on the line. */
function steps(text: string): { cwd: string; words: string[] }[] {
  let cwd = '.';
  return text.split(/&&|;|\|/).map((part) => {
    const w = words(part.trim());
    const step = { cwd, words: w };
    if (w[0] === 'cd' && w[1]) cwd = path.join(cwd, w[1]);
    return step;
  });
}

const helpOf = new Map<string, Promise<{ code: number; text: string }>>();

/** `pimc CMD --help` as the command prints it. */
function help(cmd: string): Promise<{ code: number; text: string }> {
  let h = helpOf.get(cmd);
  if (!h) {
    const lines: string[] = [];
    const say = (s: string) => void lines.push(s);
    // An unknown command is a usage error, thrown to the binary's wrapper.
    h = main([cmd, '--help'], say, say).then(
      (code) => ({ code, text: lines.join('\n') }),
      (e: unknown) => ({ code: 2, text: String(e) }),
    );
    helpOf.set(cmd, h);
  }
  return h;
}

/** A source a command names, which must be in the repository or built from it (programs, scripts); not an output. */
function isRepoPath(w: string): boolean {
  return /^(samples|docs|test|cli|compiler|runtime|lsp|grammar|ir|vscode-extension)\/[\w./-]+\.(pim|js|mjs|sh)$/.test(
    w,
  );
}

/** The scripts of the package.json in `dir` (relative to the root). */
function scriptsIn(dir: string): string[] {
  const file = path.join(ROOT, dir, 'package.json');
  if (!fs.existsSync(file)) return [];
  return Object.keys((JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {});
}

const ALL = docFiles().flatMap(commandsOf);

describe('documentation: the commands it gives name what exists', () => {
  it('finds the commands of the README and docs/ (the reader itself works)', () => {
    const pimc = ALL.filter((c) => /\bpimc(\.js)? /.test(c.text));
    assert.ok(pimc.length >= 20, `only ${pimc.length} pimc commands found in the documents`);
    assert.ok(
      ALL.some((c) => c.where.startsWith('docs/explorer.md') && c.text.includes('worker --queue')),
      'the "Running on many machines" commands were not found',
    );
  });

  it('every pimc command exists and takes every flag it is given', async () => {
    const wrong: string[] = [];
    for (const c of ALL) {
      for (const { words: w } of steps(c.text)) await checkPimc(c, w, wrong);
    }
    assert.deepEqual(wrong, []);
  });

  async function checkPimc(c: DocCommand, w: string[], wrong: string[]): Promise<void> {
    const at = w.findIndex((x) => x === 'pimc' || x.endsWith('/pimc.js'));
    if (at < 0) return;
    const cmd = w[at + 1];
    // `pimc train/run` names two commands in prose.
    if (!cmd || cmd.startsWith('-')) return;
    for (const one of cmd.split('/')) {
      const h = await help(one);
      if (h.code !== 0) {
        wrong.push(`${c.where}: 'pimc ${one}' is not a command`);
        continue;
      }
      for (const flag of w.slice(at + 2).filter((x) => /^--[a-z]/.test(x))) {
        const name = flag.split('=')[0]!;
        if (!new RegExp(`${name}(?![\\w-])`).test(h.text)) wrong.push(`${c.where}: 'pimc ${one}' has no ${name}`);
      }
    }
  }

  it('every file a command names is in the repository, every npm script in package.json', () => {
    const wrong: string[] = [];
    for (const c of ALL) {
      for (const { cwd, words: w } of steps(c.text)) {
        const node = w[0] === 'node' && w[1] && !w[1].startsWith('-') ? [w[1]] : [];
        for (const x of [...new Set([...node, ...w.filter(isRepoPath)])])
          if (!x.startsWith('/') && !fs.existsSync(path.join(ROOT, cwd, x)))
            wrong.push(`${c.where}: ${path.join(cwd, x)} does not exist`);
        if (w[0] === 'npm' && w[1] === 'run' && w[2] && !scriptsIn(cwd).includes(w[2]))
          wrong.push(`${c.where}: npm run ${w[2]} is not a script of ${path.join(cwd, 'package.json')}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('every link to a section of a page (page.md#anchor) names a heading of that page', () => {
    // GitHub's anchors: the heading lowercased, punctuation other than '-' and '_' dropped, spaces as '-'.
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
        .replace(/ /g, '-');
    // Each page's heading anchors, read once however many links point into it.
    const anchors = new Map<string, string[]>();
    const headingsOf = (target: string): string[] => {
      let h = anchors.get(target);
      if (!h)
        anchors.set(
          target,
          (h = fs
            .readFileSync(path.join(ROOT, target), 'utf8')
            .split('\n')
            .filter((l) => /^#{1,6} /.test(l))
            .map((l) => slug(l.replace(/^#+ /, '')))),
        );
      return h;
    };
    const wrong: string[] = [];
    for (const file of docFiles()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\]\(([\w./-]*\.md)?#([^)\s]+)\)/g)) {
        const target = m[1] ? path.join(path.dirname(file), m[1]) : file;
        if (!headingsOf(target).includes(m[2]!)) wrong.push(`${file}: ${m[0]} names no heading of ${target}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
