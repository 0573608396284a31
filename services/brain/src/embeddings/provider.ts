/** The embedding providers the brain knows; the names are part of the tool contract. */
export type EmbeddingProviderName = 'local' | 'jina' | 'openai';
export const EMBEDDING_PROVIDER_NAMES: readonly EmbeddingProviderName[] = ['local', 'jina', 'openai'];

/**
 * What a text is embedded for. Asymmetric models (Jina v4) embed a search query differently from
 * the passages it should find; symmetric ones ignore it.
 */
export type EmbeddingInputType = 'passage' | 'query';

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Default `passage`. */
  inputType?: EmbeddingInputType;
  /**
   * Called as each provider request succeeds, with the offset of its first text, so a caller can
   * keep (cache) what was paid for even if a later request of the same call fails.
   */
  onBatch?: (offset: number, vectors: Float32Array[]) => void;
}

/** The port every embedding provider implements. */
export interface EmbeddingProvider {
  readonly name: EmbeddingProviderName;
  readonly model: string;
  readonly dimension: number;
  /** Whether `inputType` changes the vectors (it then belongs in any cache key). */
  readonly inputTypeSensitive: boolean;
  /** One L2-normalised vector of `dimension` per text, in order. */
  embed(texts: readonly string[], opts?: EmbedOptions): Promise<Float32Array[]>;
}
