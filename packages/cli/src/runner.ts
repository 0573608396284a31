import { exitCodeFor, formatError } from './errors.ts';
import type { Io } from './io.ts';

/** Runs command bodies for one invocation and keeps the exit code they end with. */
export class Runner {
  readonly io: Io;
  exitCode = 0;

  constructor(io: Io) {
    this.io = io;
  }

  /** Runs a command body; a thrown error is printed on stderr (as JSON when `json`) and sets the exit code. */
  async guard(json: boolean | undefined, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      this.io.stderr.write(formatError(err, { json: json === true }));
      this.exitCode = exitCodeFor(err);
    }
  }
}
