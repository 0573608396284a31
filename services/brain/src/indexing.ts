import { MAX_EMBED_TEXT_CHARS } from '@automovie/contracts';
import type { BrainContext } from './context.ts';
import type { IndexEntry } from './graph/store.ts';

/**
 * The index entry of a text: all of it for keyword search, its first MAX_EMBED_TEXT_CHARS
 * characters for the vector (embedders take bounded input; the opening of a document is what
 * best says what it is about).
 */
export async function indexEntry(ctx: BrainContext, text: string, signal?: AbortSignal): Promise<IndexEntry> {
  const [entry] = await indexEntries(ctx, [text], signal);
  return entry as IndexEntry;
}

/** Index entries of many texts, embedded in one batched call. */
export async function indexEntries(ctx: BrainContext, texts: readonly string[], signal?: AbortSignal): Promise<IndexEntry[]> {
  const r = await ctx.embeddings.embed(
    texts.map((t) => t.slice(0, MAX_EMBED_TEXT_CHARS)),
    signal ? { signal } : {},
  );
  return texts.map((text, i) => ({ text, embedding: Array.from(r.vectors[i] as Float32Array) }));
}

/** What a document is indexed by: its title and content. */
export function documentText(doc: { title?: string | undefined; content: string }): string {
  return doc.title ? `${doc.title}\n\n${doc.content}` : doc.content;
}

/** What a workflow is indexed by: its description, or its kind and status and the keys of its data. */
export function workflowText(w: { kind: string; status: string; description?: string | undefined; data: Record<string, unknown> }): string {
  return w.description ?? `${w.kind} ${w.status} ${Object.keys(w.data).join(' ')}`;
}
