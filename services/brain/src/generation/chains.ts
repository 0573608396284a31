import type { Logger } from 'pino';
import { chainOrderOf, type GenerationConfig, PROVIDER_KINDS } from './config.ts';
import type { Provider, ProviderKind } from './provider.ts';

/**
 * Per kind, the providers in the order they are tried. Default: the configured real providers of
 * the kind (in the order given), then the offline ones, so a brain without keys still answers.
 * `GENERATION_CHAIN_<KIND>` picks and orders by name (`offline` stands for the kind's offline
 * providers); a name that is not configured is skipped with a warning (a key may be missing on
 * this machine), and a chain that ends up empty falls back to the offline providers.
 */
export function buildChains(providers: readonly Provider[], config: GenerationConfig, logger: Logger): Map<ProviderKind, Provider[]> {
  const chains = new Map<ProviderKind, Provider[]>();
  for (const kind of PROVIDER_KINDS) {
    const ofKind = providers.filter((p) => p.kind === kind);
    const real = ofKind.filter((p) => !p.offline);
    const offline = ofKind.filter((p) => p.offline);
    const order = chainOrderOf(config, kind);
    let chain: Provider[];
    if (order === undefined) {
      chain = [...real, ...offline];
    } else {
      chain = [];
      for (const name of order) {
        const matches = ofKind.filter((p) => p.name === name || (name === 'offline' && p.offline));
        if (matches.length === 0) {
          logger.warn(
            { kind, provider: name, available: ofKind.map((p) => p.name) },
            `GENERATION_CHAIN_${kind.toUpperCase()} names a provider that is not configured; skipped`,
          );
        }
        for (const p of matches) if (!chain.includes(p)) chain.push(p);
      }
      if (chain.length === 0 && offline.length > 0) {
        logger.warn({ kind }, `GENERATION_CHAIN_${kind.toUpperCase()} left no provider; using the offline ones`);
        chain = [...offline];
      }
    }
    const dup = chain.find((p, i) => chain.findIndex((q) => q.name === p.name) !== i);
    if (dup !== undefined) throw new Error(`two ${kind} providers are named ${dup.name}`);
    chains.set(kind, chain);
  }
  return chains;
}
