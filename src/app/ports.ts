// The session's servers (the embedded simulator, the dashboard, the metrics server): their ports are checked before
// anything is started or deleted, and a port that cannot be had names the server and how to move it.
import { createServer } from 'node:net';
import type { AppConfig } from '../config/schema.ts';
import { errorMessage, SherwoodError } from '../core/errors.ts';

/** A server of the session, for the message when its port cannot be had. */
export interface Listener {
  readonly what: 'simulator' | 'dashboard' | 'metrics server';
  readonly host: string;
  readonly port: number;
  /** How to choose another port. */
  readonly hint: string;
}

export function listeners(config: AppConfig, embedded: boolean): Listener[] {
  const { dashboard, metrics } = config.monitoring;
  return [
    ...(embedded
      ? [
          {
            what: 'simulator' as const,
            host: config.simulator.host,
            port: config.simulator.port,
            hint: 'choose another with `sherwood start --port N` or simulator.port (0 = any free port)',
          },
        ]
      : []),
    ...(dashboard.enabled
      ? [
          {
            what: 'dashboard' as const,
            host: dashboard.host,
            port: dashboard.port,
            hint: 'choose another with monitoring.dashboard.port, e.g. --set monitoring.dashboard.port=0 (any free port)',
          },
        ]
      : []),
    ...(metrics.enabled
      ? [
          {
            what: 'metrics server' as const,
            host: dashboard.host,
            port: metrics.port,
            hint: 'choose another with monitoring.metrics.port, e.g. --set monitoring.metrics.port=0 (any free port)',
          },
        ]
      : []),
  ];
}

function listenError(l: Listener, err: unknown): SherwoodError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : errorMessage(err);
  return new SherwoodError(
    `the ${l.what} cannot listen on ${l.host}:${l.port}: ${why}; ${l.hint}`,
    'PORT_UNAVAILABLE',
    { server: l.what, host: l.host, port: l.port },
    { cause: err },
  );
}

/** Binds and frees each fixed port, so that a taken one stops the session before anything is started or deleted. */
export async function checkPorts(list: readonly Listener[]): Promise<void> {
  for (const l of list) {
    if (l.port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', (err) => reject(listenError(l, err)));
      server.listen({ host: l.host, port: l.port, exclusive: true }, () => server.close(() => resolve()));
    });
  }
}

/** Starts a server, naming it (and how to move it) if its port cannot be had. */
export async function listen<T>(l: Listener | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    throw l !== undefined && (code === 'EADDRINUSE' || code === 'EACCES') ? listenError(l, err) : err;
  }
}
