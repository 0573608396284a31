import type { Fleet, FleetEvent } from './fleet.ts';
import { formatDuration, renderTable } from './render.ts';

/** One fleet event as a progress line for stderr. */
export function formatFleetEvent(e: FleetEvent): string {
  switch (e.type) {
    case 'redis-starting':
      return `starting redis on port ${e.port}…\n`;
    case 'redis-ready':
      return `redis ready in ${formatDuration(e.ms)} (pid ${e.pid})\n`;
    case 'service-starting':
      return `starting ${e.name} on port ${e.port}…\n`;
    case 'service-ready':
      return `${e.name} ready in ${formatDuration(e.ms)} (pid ${e.pid})\n`;
    case 'exited': {
      const how = e.signal ? `signal ${e.signal}` : `code ${e.code}`;
      return `${e.name} exited unexpectedly (${how}); see ${e.logFile}\n`;
    }
    case 'stopping':
      return 'stopping the fleet…\n';
    case 'stopped':
      return `fleet stopped in ${formatDuration(e.ms)}\n`;
  }
}

/** The running fleet as a table: service, url, pid, status. */
export function renderFleetTable(fleet: Pick<Fleet, 'services' | 'redisUrl' | 'redisPid'>): string {
  return renderTable(
    ['service', 'url', 'pid', 'status'],
    [['redis', fleet.redisUrl, String(fleet.redisPid), 'ready'], ...fleet.services.map((s) => [s.name, s.mcpUrl, String(s.pid), 'ready'])],
  );
}
