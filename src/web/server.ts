// The HTTP side of a running session: Prometheus /metrics, health probes, a JSON API, a WebSocket push and the
// dashboard page. Reads everything through a DashboardSource; changes nothing. Binds 127.0.0.1 unless told otherwise:
// the API shows positions and orders, and has no authentication.
import { readFileSync } from 'node:fs';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { errorMessage } from '../core/errors.ts';
import { Metrics } from '../monitoring/metrics.ts';
import { httpStatusOf, liveness, readiness } from '../monitoring/health.ts';
import type { DashboardSource } from './source.ts';
import { orderView, portfolioView, pushSnapshot, quoteView, statusView } from './views.ts';

export interface WebServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly source: DashboardSource;
  /** Another registry to expose on /metrics after Sherwood's series (e.g. the application's own). */
  readonly registry?: Registry;
  /** The trading metrics; default a new Metrics (with Node's default metrics). Pass yours to record events into it. */
  readonly metrics?: Metrics;
  /** WebSocket push period (ms). Default 1000. */
  readonly pushIntervalMs?: number;
  /**
   * Serve the dashboard, the JSON API and /ws. Default true; false leaves only /metrics and /health/* (for a
   * monitoring port separate from the dashboard's, e.g. config monitoring.metrics.port).
   */
  readonly dashboard?: boolean;
}

export interface WebServer {
  readonly url: string;
  /** The metrics this server exposes (the one passed in, or its own). */
  readonly metrics: Metrics;
  close(): Promise<void>;
}

const PUBLIC_DIR = new URL('./public/', import.meta.url);
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
};

const OrdersQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const PortfolioQuery = z.strictObject({ points: z.coerce.number().int().min(2).max(100_000).default(1000) });

function parseQuery<T extends z.ZodType>(schema: T, query: unknown, reply: FastifyReply): z.output<T> | undefined {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  void reply.code(400).send({ error: 'bad_request', message: z.prettifyError(parsed.error) });
  return undefined;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { source } = options;
  const metrics = options.metrics ?? new Metrics();
  const pushIntervalMs = options.pushIntervalMs ?? 1000;
  const timers = new Set<NodeJS.Timeout>();

  const app = Fastify({ logger: false });
  await app.register(fastifyWebsocket);

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` });
  });
  app.setErrorHandler((err, _request, reply) => {
    const statusCode = (err as { statusCode?: number }).statusCode ?? 500;
    void reply
      .code(statusCode)
      .send({ error: statusCode >= 500 ? 'internal' : 'bad_request', message: errorMessage(err) });
  });

  app.get('/metrics', async (_request, reply) => {
    try {
      await metrics.update(source);
    } catch {
      // A failing source must not hide the counters and the process metrics: serve what there is.
    }
    let text = await metrics.text();
    if (options.registry) text += `\n${await options.registry.metrics()}`;
    return reply.type(metrics.contentType).send(text);
  });

  app.get('/health/live', async (_request, reply) => {
    const report = liveness();
    return reply.code(httpStatusOf(report)).send(report);
  });
  app.get('/health/ready', async (_request, reply) => {
    const report = await readiness(source);
    return reply.code(httpStatusOf(report)).send(report);
  });

  if (options.dashboard ?? true) registerDashboard(app, source, pushIntervalMs, timers);

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    metrics,
    close: async () => {
      for (const t of timers) clearInterval(t);
      timers.clear();
      await app.close();
    },
  };
}

/** The JSON API, the WebSocket push and the page. */
function registerDashboard(
  app: FastifyInstance,
  source: DashboardSource,
  pushIntervalMs: number,
  timers: Set<NodeJS.Timeout>,
): void {
  const assets = new Map(
    Object.entries(ASSETS).map(([route, a]) => [
      route,
      { body: readFileSync(new URL(a.file, PUBLIC_DIR)), type: a.type },
    ]),
  );
  app.get('/api/status', () => statusView(source));
  app.get('/api/portfolio', async (request, reply) => {
    const query = parseQuery(PortfolioQuery, request.query, reply);
    if (query === undefined) return reply;
    return portfolioView(await source.portfolio(), query.points);
  });
  app.get('/api/orders', async (request, reply) => {
    const query = parseQuery(OrdersQuery, request.query, reply);
    if (query === undefined) return reply;
    const [open, recent] = await Promise.all([source.openOrders(), source.orders(query.limit)]);
    return { open: open.map(orderView), recent: recent.map(orderView) };
  });
  app.get('/api/strategies', async () => ({ strategies: await source.strategies() }));
  app.get('/api/quotes', async () => ({ quotes: (await source.quotes()).map(quoteView) }));

  app.get('/ws', { websocket: true }, (socket) => {
    const push = (): void => {
      pushSnapshot(source).then(
        (snapshot) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(snapshot));
        },
        (err: unknown) => {
          if (socket.readyState === socket.OPEN)
            socket.send(JSON.stringify({ type: 'error', message: errorMessage(err) }));
        },
      );
    };
    push();
    const timer = setInterval(push, pushIntervalMs);
    timers.add(timer);
    socket.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  });

  for (const [route, asset] of assets) {
    app.get(route, (_request, reply) => reply.type(asset.type).send(asset.body));
  }
}
