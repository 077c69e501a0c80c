// `pimc fmt FILE… [--check] [--write]`: prints formatted text, checks, or rewrites files in place.
import { Diagnostics, formatDiagnostic, LIMITS } from '@pim/grammar';
import { readSource, writeFileAtomic } from '@pim/grammar/files';
import { formatPim } from './format.js';

/** A file's text, or why it is not a source (read as the compiler reads one: bounded, regular files only). */
function readOrWhy(file: string): { text: string } | { why: string } {
  const r = readSource(file);
  if ('text' in r) return r;
  // In the compiler's words for the same file (PIM1105).
  if (r.problem === 'tooLarge') return { why: Diagnostics.fileTooLarge.message(r.bytes, LIMITS.fileBytes) };
  if (r.problem === 'special') return { why: `${r.what}, not a regular file` };
  return { why: 'not found' };
}

/**
 * Exit code (pimc's): 0 when everything is (or now is) formatted, 1 when a file does not parse or
 * `--check` finds an unformatted file, 2 when a file cannot be read. A file's line endings are kept:
 * one that uses CRLF is printed and written with CRLF.
 */
export async function fmtCommand(
  files: string[],
  opts: { check: boolean; write: boolean },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (files.length === 0) {
    err('pimc fmt: no files given (usage: pimc fmt FILE… [--check] [--write])');
    return 2;
  }
  let code = 0;
  const unformatted: string[] = [];
  for (const file of files) {
    const read = readOrWhy(file);
    if ('why' in read) {
      err(`${file}: cannot read file: ${read.why}`);
      code = 2;
      continue;
    }
    const text = read.text;
    let result;
    try {
      result = await formatPim(text, { filepath: file });
    } catch (e) {
      err(`${file}: internal formatter error: ${(e as Error).message}`);
      code = 2;
      continue;
    }
    if (!result.ok) {
      for (const d of result.diagnostics) err(formatDiagnostic(d, text, file));
      code = Math.max(code, 1);
      continue;
    }
    if (opts.check) {
      if (result.text !== text) unformatted.push(file);
      continue;
    }
    if (opts.write) {
      if (result.text !== text) {
        // One file that cannot be written (read-only, its folder read-only) is reported; the rest go on.
        try {
          writeFileAtomic(file, result.text);
          out(`formatted ${file}`);
        } catch (e) {
          err(`${file}: cannot write file: ${(e as Error).message}`);
          code = 2;
        }
      }
      continue;
    }
    // `out` ends what it prints with a line break, which the formatted text already has: printed as
    // is, `pimc fmt FILE > out.pim` would end in a blank line that `--check` then rejects.
    if (result.text !== '') out(result.text.replace(/\r?\n$/, ''));
  }
  if (opts.check) {
    for (const f of unformatted) err(`${f}: not formatted`);
    if (unformatted.length && code === 0) code = 1;
    if (code === 0) out(`checked ${files.length} file${files.length === 1 ? '' : 's'}: all formatted`);
  }
  return code;
}
