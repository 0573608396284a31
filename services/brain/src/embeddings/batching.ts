/**
 * A cheap, deliberately high token estimate (no tokenizer shipped): about 3 ASCII characters per
 * token (English BPE averages ~4) and one token per other UTF-16 unit (CJK, emoji). Used only to
 * keep requests under the providers' per-request token limits.
 */
export function approxTokens(text: string): number {
  let other = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) other++;
  return Math.ceil((text.length - other) / 3) + other + 1;
}

export interface BatchLimits {
  maxItems: number;
  maxTokens: number;
}

/** A batch: texts[start, end). */
export interface BatchSpan {
  start: number;
  end: number;
  tokens: number;
}

/**
 * Splits texts, in order, into consecutive batches of at most `maxItems` texts and about
 * `maxTokens` tokens; a single text over the token budget gets a batch of its own.
 */
export function planBatches(texts: readonly string[], limits: BatchLimits): BatchSpan[] {
  const batches: BatchSpan[] = [];
  let start = 0;
  let tokens = 0;
  for (let i = 0; i < texts.length; i++) {
    const t = approxTokens(texts[i]!);
    if (i > start && (i - start >= limits.maxItems || tokens + t > limits.maxTokens)) {
      batches.push({ start, end: i, tokens });
      start = i;
      tokens = 0;
    }
    tokens += t;
  }
  if (texts.length > start) batches.push({ start, end: texts.length, tokens });
  return batches;
}

/**
 * Runs `task` over `items` with at most `concurrency` in flight. The first failure aborts the
 * signal handed to the tasks still running and is the error thrown.
 */
export async function runLimited<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  task: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const failed = new AbortController();
  const combined = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !combined.aborted) {
      const item = items[next++]!;
      try {
        await task(item, combined);
      } catch (error) {
        if (!firstError) {
          firstError = { error };
          failed.abort(error);
        }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (firstError) throw firstError.error;
  signal?.throwIfAborted();
}
