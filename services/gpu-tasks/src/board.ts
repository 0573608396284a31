import { timingSafeEqual } from 'node:crypto';
import { AutomovieError } from '@automovie/contracts';
import type { Service } from '@automovie/service-kit';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';

type App = Service['app'];
/** The parts of a request the guard reads. */
interface BoardRequest {
  socket: { remoteAddress?: string | undefined };
  headers: { authorization?: string | undefined; cookie?: string | undefined };
  query: unknown;
}
/** The parts of a reply the guard uses. */
interface BoardReply {
  header(name: string, value: string): unknown;
  code(status: number): { send(body: unknown): unknown };
}
/** The parts of a reply the guard uses. */
interface BoardReply {
  header(name: string, value: string): unknown;
  code(status: number): { send(body: unknown): unknown };
}

/** Where the dashboard is served. */
export const BOARD_PATH = '/admin/queues';
/** Cookie set after a valid `?access_token=` so the dashboard's own requests carry it. */
export const BOARD_COOKIE = 'gpu_tasks_board';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === BOARD_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Who may open the dashboard: with a token configured, whoever presents it (bearer header,
 * cookie, or `access_token` query parameter, which also sets the cookie); without one, only
 * clients on this machine. The dashboard can retry, promote and delete jobs, so it is never open.
 */
export function boardGuard(token: string | undefined) {
  return async (req: BoardRequest, reply: BoardReply): Promise<void> => {
    // Answered here rather than thrown: bull-board's own error handler would turn a throw into a 500.
    const refuse = async (e: AutomovieError) => {
      await reply.code(e.status).send({ error: e.toWire() });
    };
    if (token === undefined) {
      if (LOOPBACK.has(req.socket.remoteAddress ?? '')) return;
      return refuse(
        new AutomovieError(
          'FORBIDDEN',
          'The queue dashboard answers loopback clients only; set GPU_TASKS_BOARD_TOKEN to open it to others',
        ),
      );
    }
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const query = (req.query as Record<string, unknown> | undefined)?.access_token;
    const given = bearer ?? cookieToken(req.headers.cookie) ?? (typeof query === 'string' ? query : undefined);
    if (given === undefined || !same(given, token)) {
      return refuse(
        new AutomovieError('UNAUTHENTICATED', 'The queue dashboard needs its token (Authorization: Bearer, or ?access_token=)'),
      );
    }
    if (typeof query === 'string' && bearer === undefined) {
      void reply.header('set-cookie', `${BOARD_COOKIE}=${encodeURIComponent(token)}; Path=${BOARD_PATH}; HttpOnly; SameSite=Strict`);
    }
  };
}

/** Serves bull-board for `queues` at {@link BOARD_PATH}, behind {@link boardGuard}. */
export async function registerBoard(app: App, queues: readonly Queue[], token: string | undefined): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    // @bull-board/fastify pins @bull-board/api one patch behind ours; the adapter interface is the same.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Automovie gpu-tasks' } },
  });
  await app.register(
    async (scope: App) => {
      scope.addHook('onRequest', boardGuard(token));
      await scope.register(adapter.registerPlugin() as never);
    },
    { prefix: BOARD_PATH },
  );
}
