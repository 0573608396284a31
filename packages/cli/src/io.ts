/** Where a command writes: a stream that may be a terminal. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A trap for SIGINT/SIGTERM: while it is set, the signal no longer kills the process. */
export interface SignalTrap {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  dispose(): void;
}

/**
 * Everything a command touches outside itself, so commands run the same in the real process
 * and in tests (which pass an in-memory Io).
 */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** All of stdin, as text (for `call SERVICE TOOL -`). */
  readStdin(): Promise<string>;
  trapSignals(): SignalTrap;
}

/** The Io of the running process. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    trapSignals() {
      let handler: ((signal: NodeJS.Signals) => void) | undefined;
      const received = new Promise<NodeJS.Signals>((resolve) => {
        handler = resolve;
      });
      let count = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        // A second Ctrl-C means "now": exit at once (the fleet's exit hook still signals its children).
        if (++count > 1) {
          process.stderr.write(`${signal} again: exiting without waiting\n`);
          process.exit(130);
        }
        handler?.(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      return {
        received,
        dispose() {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        },
      };
    },
  };
}
