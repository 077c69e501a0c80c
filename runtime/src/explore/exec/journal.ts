// The exploration's journal: one JSON line per finished job, written and fsynced before the result is
// used, beside the outputs. A job's id names its work, so the journal is a store of results by id:
// `--resume` runs the same exploration again and every job found here is answered from it, never
// trained again; the method, deterministic given its results, takes the same path up to where the
// interrupted run stopped and goes on from there. A line cut short by a crash is dropped. The header
// names the build of pim that wrote it (toolchain.ts): another build would train the rest of the run
// with another model, so it does not resume it.
import * as fs from 'node:fs';
import { ExploreError } from '../types.js';
import type { JobResult } from './job.js';
import { shortBuild } from './toolchain.js';

export interface JournalHeader {
  journal: 'pim-explore';
  version: 2;
  exploration: string;
  method: string;
  seed: number;
  /** The build of pim that trained the results (toolchain.ts). */
  toolchain: string;
}

type Finished = Extract<JobResult, { ok: true }>;

/** The command asked for the wrong thing of a journal (resume one that is not there): exit 2. */
export class JournalConflict extends ExploreError {}

/**
 * `--resume` continues the run the journal is of: another exploration, method or seed would train a
 * run of its own into it (its jobs have other ids), which is a mistaken command, not a resume.
 */
function checkSameRun(file: string, o: Record<string, unknown>, header: JournalHeader): void {
  if (o['exploration'] !== header.exploration)
    throw new JournalConflict(
      `${file}: the journal of exploration '${String(o['exploration'])}', not '${header.exploration}'`,
    );
  if (o['method'] !== header.method || o['seed'] !== header.seed)
    throw new JournalConflict(
      `${file}: the journal of a run with method ${String(o['method'])} and seed ${String(o['seed'])}, not ${header.method} and seed ${header.seed}: give the interrupted run's --method and --seed to resume it`,
    );
  if (o['toolchain'] !== header.toolchain) {
    const theirs = typeof o['toolchain'] === 'string' ? `build ${shortBuild(o['toolchain'])}` : 'an earlier version';
    throw new JournalConflict(
      `${file}: written by ${theirs} of pim, and this is build ${shortBuild(header.toolchain)}: its results and the rest of the run would come from two models. Resume with the build that wrote it, or run without --resume to start over (the journal is kept aside)`,
    );
  }
}

export class Journal {
  private readonly results = new Map<string, Finished>();
  private fd: number;
  /** Results read back from an earlier run. */
  readonly replayed: number;
  /** Where an earlier run's journal was moved when this run did not resume it. */
  readonly keptAside: string | undefined;

  /**
   * Opens `file` for the run `header`: with `resume`, reads back the earlier run's results; without,
   * moves an earlier journal aside (`keptAside`) and starts a new one.
   */
  constructor(
    readonly file: string,
    header: JournalHeader,
    resume: boolean,
  ) {
    const exists = fs.existsSync(file);
    if (!exists && resume)
      throw new JournalConflict(
        `--resume: there is no journal at ${file} (an exploration writes it beside its --json or --html output, or at --journal)`,
      );
    const read = exists ? fs.readFileSync(file, 'utf8') : '';
    const complete = read.lastIndexOf('\n') + 1;
    let text = read.slice(0, complete);
    if (resume) {
      this.readBack(text, header);
      // A crash while appending leaves a partial last line: cut it before appending more, once the file
      // has read back as a journal (a file that is not one is refused untouched).
      if (complete < read.length) fs.truncateSync(file, complete);
    } else if (read.length > 0) {
      // A fresh run never writes into an earlier run's journal, nor loses it: it is kept aside.
      this.keptAside = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(file, this.keptAside);
      text = '';
    }
    this.replayed = this.results.size;
    this.fd = fs.openSync(file, 'a');
    if (text.length === 0) this.write(header);
  }

  private readBack(text: string, header: JournalHeader): void {
    const lines = text.split('\n').filter((l) => l.length > 0);
    lines.forEach((line, i) => {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        throw new ExploreError(`${this.file}:${i + 1}: not a JSON line (is this a pim exploration journal?)`);
      }
      const o = v as Record<string, unknown>;
      if (i === 0) {
        if (o['journal'] !== 'pim-explore') throw new ExploreError(`${this.file}:1: not a pim exploration journal`);
        checkSameRun(this.file, o, header);
        return;
      }
      if (typeof o['id'] === 'string' && o['ok'] === true && typeof o['accuracy'] === 'number')
        this.results.set(o['id'], o as unknown as Finished);
    });
  }

  get(id: string): Finished | undefined {
    return this.results.get(id);
  }

  /** Appends a finished job and waits for the disk (fsync) before returning. (Never called for a job it holds.) */
  append(r: Finished): void {
    this.results.set(r.id, r);
    this.write(r);
  }

  private write(v: unknown): void {
    fs.writeSync(this.fd, JSON.stringify(v) + '\n');
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
