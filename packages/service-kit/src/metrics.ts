import type { CallEvent, McpTransportKind } from '@automovie/mcp-ws';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** A gauge a service adds to its /metrics (see {@link ServiceMetrics.registerGauge}). */
export interface GaugeOptions<L extends string> {
  /** Metric name; the fleet's start with `automovie_`. */
  name: string;
  help: string;
  /** Label names. Default none. */
  labelNames?: readonly L[];
  /** Runs at each scrape, before the gauge is read, to set its values. Default none: the caller sets them. */
  collect?: (gauge: Gauge<L>) => Promise<void> | void;
}

/** The `tool` label of calls to tools the service does not have. */
export const UNKNOWN_TOOL_LABEL = '_unknown';

/** Prometheus metrics of one service: MCP calls per tool, latencies, connections, in-flight calls. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #calls: Counter<'tool' | 'outcome'>;
  readonly #duration: Histogram<'tool'>;
  readonly #connections: Gauge<'transport'>;
  readonly #inflight: Gauge;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'automovie_' });
    this.#calls = new Counter({
      name: 'automovie_mcp_calls_total',
      help: 'MCP tool calls by tool and outcome',
      labelNames: ['tool', 'outcome'],
      registers: [this.registry],
    });
    this.#duration = new Histogram({
      name: 'automovie_mcp_call_duration_seconds',
      help: 'MCP tool call latency, from request received to result ready',
      labelNames: ['tool'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
    this.#connections = new Gauge({
      name: 'automovie_mcp_connections',
      help: 'Open MCP connections (ws) and HTTP requests being served (http)',
      labelNames: ['transport'],
      registers: [this.registry],
    });
    this.#connections.set({ transport: 'ws' }, 0);
    this.#connections.set({ transport: 'http' }, 0);
    this.#inflight = new Gauge({
      name: 'automovie_mcp_inflight',
      help: 'MCP requests received and not yet answered',
      registers: [this.registry],
    });
  }

  onCall = (e: CallEvent): void => {
    // Names of unknown tools come from callers: as labels they would grow the registry without bound.
    const tool = e.outcome === 'unknown_tool' ? UNKNOWN_TOOL_LABEL : e.tool;
    this.#calls.inc({ tool, outcome: e.outcome });
    this.#duration.observe({ tool }, e.durationMs / 1000);
  };

  onConnectionChange = (transport: McpTransportKind, delta: number): void => {
    this.#connections.inc({ transport }, delta);
  };

  onInflightChange = (delta: number): void => {
    this.#inflight.inc(delta);
  };

  /**
   * Adds a service's own gauge to this registry, so it is served on /metrics with the `service`
   * label. A `collect` that throws fails the scrape: bound and catch what it waits on.
   */
  registerGauge<L extends string = never>(opts: GaugeOptions<L>): Gauge<L> {
    const { collect } = opts;
    return new Gauge<L>({
      name: opts.name,
      help: opts.help,
      labelNames: opts.labelNames ?? [],
      registers: [this.registry],
      ...(collect === undefined
        ? {}
        : {
            collect(this: Gauge<L>) {
              return collect(this);
            },
          }),
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
