import http from 'node:http';
import https from 'node:https';

/**
 * One HTTP exchange between Litbox's own processes (host → node, node → node), on node:http
 * with kept-alive connections. Not fetch: these calls never stop (protocol rounds, /health
 * polls while a network starts), and fetch (undici) cost each process about 80 ms of CPU to
 * load and each call three times the CPU (0.5 ms against 0.18, both ends together, measured):
 * on a small machine a start's and a restart's CPU is what everything else waits for.
 */
export interface HttpAnswer {
  status: number;
  text: string;
}

export interface HttpExchange {
  /** Sent as JSON with a POST; without it the request is a GET. */
  body?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

/** The answer's body as JSON, or undefined when it is not JSON (the caller checks it with zod). */
export function answerJson(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

/** The exchange failed: no answer in time (`timedOut`), or the peer could not be reached or hung up. */
export class HttpExchangeError extends Error {
  readonly timedOut: boolean;
  constructor(message: string, timedOut: boolean) {
    super(message);
    this.timedOut = timedOut;
  }
}

// Kept alive between calls: a protocol round is one request per peer, many rounds a second.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Resolves with the whole answer as text, whatever its status; rejects with an HttpExchangeError. */
export function httpExchange(url: string, exchange: HttpExchange): Promise<HttpAnswer> {
  const { body, timeoutMs } = exchange;
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new HttpExchangeError(`only http and https are spoken here, not ${target.protocol}`, false));
      return;
    }
    const signal = AbortSignal.timeout(timeoutMs);
    const failed = (err: Error) =>
      reject(
        signal.aborted
          ? new HttpExchangeError(`no answer within ${timeoutMs} ms`, true)
          : new HttpExchangeError(err.message, false),
      );
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: body === undefined ? 'GET' : 'POST',
      agent: agents[target.protocol],
      headers: {
        ...exchange.headers,
        ...(body === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      },
      signal,
    });
    request.on('error', failed);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      const cutOff = () => failed(new Error('the connection closed part way through the answer'));
      response.on('error', cutOff);
      response.on('close', () => {
        if (!response.complete) cutOff();
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.end(body);
  });
}
