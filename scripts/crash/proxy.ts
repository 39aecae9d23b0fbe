// A counting HTTP proxy in front of the simulator: every order POST that reaches the simulator is counted by its
// client_order_id here, outside the code under test, so "no client_order_id was sent twice" is measured, not inferred.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CountingProxy {
  readonly url: string;
  /** Order POSTs forwarded to the simulator, per client_order_id. */
  readonly postsByClientOrderId: ReadonlyMap<string, number>;
  /** Order POSTs whose body carried no readable client_order_id. */
  readonly unreadablePosts: number;
  readonly requests: number;
  close(): Promise<void>;
}

const ORDER_POST = /\/api\/v[12]\/crypto\/trading\/orders\/?$/;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function clientOrderIdOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && 'client_order_id' in parsed) {
      const cid = parsed.client_order_id;
      return typeof cid === 'string' ? cid : undefined;
    }
  } catch {
    // counted as unreadable below
  }
  return undefined;
}

/** Starts the proxy on 127.0.0.1 (free port), forwarding to `target` (http://host:port) byte for byte. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const posts = new Map<string, number>();
  let unreadable = 0;
  let requests = 0;
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch {
        res.destroy(); // the child died mid-request: nothing reached the simulator
        return;
      }
      requests++;
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'POST' && ORDER_POST.test(path)) {
        const cid = clientOrderIdOf(body);
        if (cid === undefined) unreadable++;
        else posts.set(cid, (posts.get(cid) ?? 0) + 1);
      }
      // The Host header is kept, so the simulator's pagination links point back at the proxy.
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      // The child was killed or timed out: drop the upstream request too (the simulator has it already).
      res.on('close', () => forward.destroy());
      forward.end(body);
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    postsByClientOrderId: posts,
    get unreadablePosts() {
      return unreadable;
    },
    get requests() {
      return requests;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
