import http from 'node:http';
import type { NodeHealth } from '../shared/node-ipc.ts';

export interface NodeHttpContext {
  index: number;
  address: string;
  startedAt: number;
}

/** The node's HTTP surface on 127.0.0.1. Only /health for now; protocol routes come later. */
export function createNodeServer(ctx: NodeHttpContext): http.Server {
  return http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      const body: NodeHealth = {
        ok: true,
        index: ctx.index,
        address: ctx.address,
        uptimeMs: Date.now() - ctx.startedAt,
      };
      return sendJson(res, 200, body);
    }
    sendJson(res, 404, { error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } });
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
