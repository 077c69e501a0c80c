// Training progress: a one-line bar (epoch, loss, accuracy, ETA) redrawn in place on a TTY, plain lines
// otherwise (logs, CI, pipes).

export interface ProgressUpdate {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy?: number;
  /** Seconds since training started. */
  elapsed: number;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  const r = Math.round(s - 60 * m);
  return m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

export class ProgressReporter {
  private readonly tty: boolean;
  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = process.stderr,
    private readonly label = 'train',
  ) {
    this.tty = out.isTTY === true;
  }

  /** The text of one update (without bar), shared by both modes. */
  static describe(u: ProgressUpdate): string {
    const eta = u.epoch > 0 ? (u.elapsed / u.epoch) * (u.epochs - u.epoch) : NaN;
    const acc = u.accuracy === undefined ? '' : `  acc ${(100 * u.accuracy).toFixed(1)}%`;
    return `epoch ${u.epoch}/${u.epochs}  loss ${u.loss.toFixed(4)}${acc}  ETA ${fmtTime(eta)}`;
  }

  private lastStepDraw = 0;

  /**
   * Within an epoch (a large network's first epoch takes minutes): the bar advanced by steps, on a TTY
   * only and at most four times a second; logs get the line of each epoch alone.
   */
  step(u: { epoch: number; epochs: number; step: number; steps: number; elapsed: number }): void {
    if (!this.tty || u.steps <= 1) return;
    const now = performance.now();
    if (now - this.lastStepDraw < 250) return;
    this.lastStepDraw = now;
    const done = (u.epoch - 1 + u.step / u.steps) / Math.max(1, u.epochs);
    this.draw(done, `epoch ${u.epoch}/${u.epochs}  step ${u.step}/${u.steps}  ${fmtTime(u.elapsed)}`);
  }

  update(u: ProgressUpdate): void {
    const text = ProgressReporter.describe(u);
    if (!this.tty) {
      this.out.write(`${this.label}: ${text}\n`);
      return;
    }
    this.draw(u.epoch / Math.max(1, u.epochs), text);
    if (u.epoch >= u.epochs) this.out.write('\n');
  }

  /** The line redrawn in place: label, a bar filled to `done` (0–1), the text. */
  private draw(done: number, text: string): void {
    const width = 24;
    const filled = Math.round(width * Math.min(1, Math.max(0, done)));
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const line = `${this.label} ${bar} ${text}`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
  }
}
