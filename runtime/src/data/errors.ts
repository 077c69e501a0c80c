// One error type for every data-loading failure, so the CLI can print it as a diagnostic naming the file.

export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    /** The file at fault, when there is one. */
    readonly file?: string,
    /** 1-based line in that file, when known. */
    readonly line?: number,
  ) {
    super(message);
  }
}
