// One error type for everything the simulator rejects, so the CLI can print it without a stack trace.

export class SimError extends Error {
  /** Where in the IR the problem is, as a JSON-ish path (`mappings[lenet].placements[3]`). */
  readonly where: string;
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'SimError';
    this.where = where;
  }
}
