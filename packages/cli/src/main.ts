#!/usr/bin/env node
import { formatError } from './errors.ts';
import { processIo } from './io.ts';
import { run } from './program.ts';

// `automovie tools brain | head -1`: a reader that went away is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  process.exitCode = await run(process.argv.slice(2), processIo());
} catch (err) {
  process.stderr.write(formatError(err));
  process.exitCode = 1;
}
