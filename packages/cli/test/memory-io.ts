import type { Io, SignalTrap } from '../src/io.ts';

/** An in-memory Io: captured stdout/stderr, fixed stdin and env, and a signal the test can raise. */
export interface MemoryIo extends Io {
  out(): string;
  err(): string;
  raise(signal?: NodeJS.Signals): void;
}

export function memoryIo(opts: { env?: Record<string, string | undefined>; stdin?: string; tty?: boolean; cwd?: string } = {}): MemoryIo {
  let out = '';
  let err = '';
  const traps = new Set<(s: NodeJS.Signals) => void>();
  return {
    stdout: { write: (s: string) => (out += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    readStdin: async () => opts.stdin ?? '',
    trapSignals(): SignalTrap {
      let fire: (s: NodeJS.Signals) => void = () => {};
      const received = new Promise<NodeJS.Signals>((r) => {
        fire = r;
      });
      traps.add(fire);
      return { received, dispose: () => traps.delete(fire) };
    },
    out: () => out,
    err: () => err,
    raise(signal = 'SIGINT') {
      for (const t of traps) t(signal);
    },
  };
}
