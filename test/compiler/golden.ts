// Golden cases: every `cases/NAME.pim` (helper files live in sub-folders) is checked the way
// `pimc check` prints it and compiled to IR. The committed expectations are
//   NAME.diagnostics.txt — what `pimc check NAME.pim` prints (code frames and the summary line), when
//                          there is any diagnostic;
//   NAME.ir.json         — the IR, when the program compiles.
// Paths are relative to the cases folder (the check runs there), so goldens are machine-independent.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '@pim/compiler';
import * as cli from '@pim/cli';

/** test/compiler/cases (this file runs from test/compiler/dist). */
export const CASES_DIR = fileURLToPath(new URL('../cases/', import.meta.url));

/** The compiler's prelude (library classes): printed as an absolute path, shown as `<prelude>/…`. */
const PRELUDE_DIR = fileURLToPath(new URL('../../../compiler/prelude/', import.meta.url));

export interface CaseOutput {
  /** `pimc check` output, or undefined when it printed no diagnostic. */
  diagnostics?: string;
  /** The IR as `pimc compile` writes it, or undefined when the program has errors. */
  ir?: string;
  /** Exit code of `pimc check`. */
  checkExit: number;
}

export function caseNames(): string[] {
  return fs
    .readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.pim'))
    .map((f) => f.slice(0, -'.pim'.length))
    .sort();
}

/** Runs `fn` with the cases folder as the working directory (the CLI prints paths relative to it). */
async function inCasesDir<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(CASES_DIR);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

export async function runCase(name: string): Promise<CaseOutput> {
  return inCasesDir(async () => {
    const lines: string[] = [];
    const sink = (s: string): void => {
      lines.push(s);
    };
    const checkExit = await cli.main(['check', `${name}.pim`], sink, sink);
    const program = compile(`${name}.pim`);
    const out: CaseOutput = { checkExit };
    // The last line is the summary; anything before it is a diagnostic.
    if (lines.length > 1) out.diagnostics = lines.join('\n').split(PRELUDE_DIR).join('<prelude>/') + '\n';
    if (program.ir) out.ir = JSON.stringify(program.ir, null, 2) + '\n';
    return out;
  });
}

export function expectedPath(name: string, kind: 'diagnostics' | 'ir'): string {
  return path.join(CASES_DIR, kind === 'ir' ? `${name}.ir.json` : `${name}.diagnostics.txt`);
}

export function readExpected(name: string, kind: 'diagnostics' | 'ir'): string | undefined {
  const p = expectedPath(name, kind);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
}

/** Writes (or, for undefined, deletes) an expected file. */
export function writeExpected(name: string, kind: 'diagnostics' | 'ir', text: string | undefined): void {
  const p = expectedPath(name, kind);
  if (text === undefined) {
    if (fs.existsSync(p)) fs.unlinkSync(p);
  } else fs.writeFileSync(p, text);
}
