// What `pimc explore` shows while it runs. On a terminal: a redrawn block — the run's line (designs,
// budget spent, elapsed) and one line per busy worker (its design, epoch k of z, seconds on it). Not
// on a terminal (CI, a log file): plain lines, one per recorded evaluation and, for a long job, one at
// an epoch's end at most every 30 s, so a run is never silent for minutes. A run without training
// (hardware objectives only, a second or so) prints nothing off a terminal.
import type { JobProgress } from './exec/executor.js';
import type { Evaluation } from './types.js';

const PLAIN_EVERY_MS = 30_000;
const REDRAW_MS = 100;

interface Busy {
  worker: string;
  label: string;
  epoch: number;
  epochs: number;
  since: number;
}

export class ExploreProgress {
  private readonly busy = new Map<string, Busy>();
  private readonly t0 = performance.now();
  private drawn = 0;
  private lastDraw = 0;
  private lastPlain = 0;
  private status = '';
  evaluations = 0;
  fromJournal = 0;
  cpuSeconds = 0;

  constructor(
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
    private readonly name: string,
    private readonly unit: string,
    /** A design parameter's value as people read it (with its unit); plain text by default. */
    private readonly show: (path: string, v: number | string | boolean) => string = (_p, v) => String(v),
  ) {}

  private elapsed(since = this.t0): string {
    return `${((performance.now() - since) / 1000).toFixed(0)} s`;
  }

  job(p: JobProgress): void {
    const b = this.busy.get(p.job.id) ?? {
      worker: p.worker,
      label: p.job.label,
      epoch: 0,
      epochs: p.epochs,
      since: performance.now(),
    };
    b.worker = p.worker;
    b.epoch = p.epoch;
    this.busy.set(p.job.id, b);
    if (this.tty) this.draw(false);
    else if (p.epoch > 0 && performance.now() - this.lastPlain > PLAIN_EVERY_MS)
      this.plain(`${b.worker}: ${b.label}: epoch ${b.epoch} of ${b.epochs}, ${this.elapsed(b.since)}`);
  }

  jobDone(id: string): void {
    this.busy.delete(id);
    if (this.tty) this.draw(false);
  }

  evaluation(e: Evaluation, spent: number, budget: number, trained: boolean, replayed: boolean): void {
    this.evaluations++;
    if (replayed) this.fromJournal++;
    else if (e.cpuSeconds !== undefined) this.cpuSeconds += e.cpuSeconds;
    this.status = `explore ${this.name}: ${this.evaluations} design${this.evaluations === 1 ? '' : 's'}, ${+spent.toFixed(1)}/${budget} ${this.unit}, ${this.elapsed()}`;
    if (this.tty) this.draw(true);
    else if (trained) {
      const acc = e.objectives['accuracy'];
      this.plain(
        `${this.status}; #${e.index + 1} ${Object.entries(e.params)
          .map(([k, v]) => this.show(k, v))
          .join(
            ' ',
          )}${acc !== undefined ? `: accuracy ${(100 * acc).toFixed(1)}% after ${e.epochs} epochs` : ''}${replayed ? ' (from the journal)' : e.worker ? ` (${e.worker})` : ''}`,
      );
    }
  }

  private plain(line: string): void {
    this.lastPlain = performance.now();
    this.write(line + '\n');
  }

  private draw(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const lines = [
      this.status || `explore ${this.name}: starting`,
      ...[...this.busy.values()].map(
        (b) => `  ${b.worker}  ${b.label}  epoch ${b.epoch}/${b.epochs}  ${this.elapsed(b.since)}`,
      ),
    ];
    let out = this.drawn > 1 ? `\x1b[${this.drawn - 1}A` : '';
    out += lines.map((l) => `\r${l}\x1b[K`).join('\n');
    // Lines left from a taller block are cleared.
    for (let i = lines.length; i < this.drawn; i++) out += '\n\r\x1b[K';
    if (this.drawn > lines.length) out += `\x1b[${this.drawn - lines.length}A`;
    this.drawn = lines.length;
    this.write(out);
  }

  /** Ends the live block; returns the totals line (printed whether or not on a terminal, when jobs ran). */
  finish(executor: string): string {
    if (this.tty && this.drawn > 0) this.write('\n');
    this.drawn = 0;
    const secs = (performance.now() - this.t0) / 1000;
    const trained = this.evaluations - this.fromJournal;
    return `explore ${this.name}: ${this.evaluations} evaluations${this.fromJournal ? ` (${this.fromJournal} from the journal)` : ''} in ${secs.toFixed(1)} s on ${executor}: ${(trained / Math.max(secs, 1e-9)).toFixed(3)} trained/s, ${this.cpuSeconds.toFixed(1)} CPU s of training (${(this.cpuSeconds / Math.max(secs, 1e-9)).toFixed(2)} cores busy)`;
  }
}
