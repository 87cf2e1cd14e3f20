import type http from 'node:http';

// Reading a request body with a size limit, for the host's HTTP servers (API, chain gateway).

/** The body is over the limit (answer 413). */
export class BodyTooLarge extends Error {}
/** The client went away mid-body (answer nothing). */
export class BodyAborted extends Error {}

/**
 * The request body as text, at most `limit` bytes. The rest of a larger one is read and dropped,
 * so that the client, still sending, gets the 413 instead of a broken pipe (requestTimeout
 * bounds how long that may take).
 */
export function readRequestBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new BodyTooLarge(`the request body is larger than ${limit} bytes`);
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    // A client that goes away mid-body ends the call (nothing runs for it).
    req.on('close', () => ended || reject(new BodyAborted('the client closed the request')));
    req.on('error', () => reject(new BodyAborted('the client closed the request')));
  });
}
