import http from 'node:http';
import https from 'node:https';

/**
 * One HTTP exchange with a peer, on node:http with kept-alive connections. Not fetch: the
 * nodes talk to each other all the time (protocol rounds, /health while joining), and fetch
 * (undici) cost a starting node about 0.15 s of CPU to load and each call several times what
 * node:http costs, on a machine where a restart's CPU is what the other nodes wait for.
 */
export interface PeerHttpAnswer {
  status: number;
  text: string;
}

// Kept alive between calls: a protocol round is one request per peer, many rounds a second.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Sends `body` (a POST of JSON) or a GET, and resolves with the whole answer as text. */
export function peerHttp(url: string, body: string | undefined, timeoutMs: number): Promise<PeerHttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new Error(`a peer endpoint must be http or https, not ${target.protocol}`));
      return;
    }
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: body === undefined ? 'GET' : 'POST',
      agent: agents[target.protocol],
      headers:
        body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    request.on('error', (err) =>
      reject(err.name === 'AbortError' ? new Error(`no answer within ${timeoutMs} ms`) : err),
    );
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('close', () => {
        if (!response.complete) reject(new Error('the peer closed the connection mid-answer'));
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.end(body);
  });
}
