// `pimc simulate FILE [--mapping NAME] [--json OUT] [--csv DIR] [--html OUT] [--writes CHECKPOINT]`: the text
// summary on stdout, reports to files; --writes costs training with a checkpoint's measured writes. Exit 0 on success, 1 when the IR or its data cannot be simulated, 2 on internal errors.
import { dirname } from 'node:path';
import type { IrProgram } from '@pim/ir';
import { DataError } from '../data/errors.js';
import { formatSummary } from '../report/text.js';
import { checkpointWrites, readCheckpoint } from '../train/checkpoint.js';
import { writeReports } from '../report/write.js';
import { SimError } from './errors.js';
import { simulate } from './simulate.js';

export interface SimulateArgs {
  mapping?: string | undefined;
  json?: string | undefined;
  csv?: string | undefined;
  html?: string | undefined;
  /** A `pimc train --checkpoint` file: its experiment's training writes as the trainer measured them. */
  writes?: string | undefined;
  /** The entry .pim file: relative dataset paths resolve against its folder. */
  source?: string | undefined;
}

export async function simulateCommand(
  ir: IrProgram,
  args: SimulateArgs,
  out: (s: string) => void,
  err: (s: string) => void = out,
): Promise<number> {
  let report;
  try {
    const ck = args.writes !== undefined ? readCheckpoint(args.writes) : undefined;
    report = simulate(ir, {
      ...(args.mapping !== undefined ? { mapping: args.mapping } : {}),
      dataRoot: args.source ? dirname(args.source) : process.cwd(),
      ...(ck ? { measuredWrites: { [ck.experiment]: checkpointWrites(ck, args.writes!) } } : {}),
    });
  } catch (e) {
    if (e instanceof SimError || e instanceof DataError) {
      err(`pimc simulate: ${e.message}`);
      return 1;
    }
    err(`pimc simulate: internal error: ${(e as Error).stack ?? String(e)}`);
    return 2;
  }
  out(formatSummary(report).trimEnd());
  const others = Array.isArray(ir.mappings) ? ir.mappings.map((m) => m.name).filter((n) => n !== report.mapping) : [];
  if (args.mapping === undefined && others.length > 0)
    out(`\n(simulated the first mapping; also in this program: ${others.join(', ')} — choose one with --mapping NAME)`);
  try {
    const written = await writeReports(report, {
      ...(args.json ? { json: args.json } : {}),
      ...(args.csv ? { csvDir: args.csv } : {}),
      ...(args.html ? { html: args.html } : {}),
    });
    for (const f of written) out(`wrote ${f}`);
  } catch (e) {
    err(`pimc simulate: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}
