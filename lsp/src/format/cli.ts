// `pimc fmt FILE… [--check] [--write]`: prints formatted text, checks, or rewrites files in place.
import { readFile, writeFile } from 'node:fs/promises';
import { formatDiagnostic } from '@pim/grammar';
import { formatPim } from './format.js';

/**
 * Exit code: 0 when everything is (or now is) formatted, 1 when `--check` finds an unformatted file,
 * 2 when a file cannot be read or does not parse.
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
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      err(`${file}: cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      code = 2;
      continue;
    }
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
      code = 2;
      continue;
    }
    if (opts.check) {
      if (result.text !== text) unformatted.push(file);
      continue;
    }
    if (opts.write) {
      if (result.text !== text) {
        await writeFile(file, result.text, 'utf8');
        out(`formatted ${file}`);
      }
      continue;
    }
    // `out` ends what it prints with a line break, which the formatted text already has: printed as
    // is, `pimc fmt FILE > out.pim` would end in a blank line that `--check` then rejects.
    if (result.text !== '') out(result.text.endsWith('\n') ? result.text.slice(0, -1) : result.text);
  }
  if (opts.check) {
    for (const f of unformatted) err(`${f}: not formatted`);
    if (unformatted.length && code === 0) code = 1;
    if (code === 0) out(`checked ${files.length} file${files.length === 1 ? '' : 's'}: all formatted`);
  }
  return code;
}
