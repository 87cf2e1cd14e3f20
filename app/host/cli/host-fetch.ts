import type http from 'node:http';

/**
 * The few parts of `fetch` the API client uses (a POST with a JSON body to the local host),
 * over node:http: one CLI call then loads Node's small HTTP client instead of undici, which
 * costs a short command about 60 ms of CPU more. Local plain HTTP only. Taken with
 * getBuiltinModule: an ES import of node:http fills in every export of the module, which loads
 * tls, http2, zlib and undici too (about 70 ms of CPU).
 */
export const hostFetch = ((input: string | URL, init?: RequestInit): Promise<Response> =>
  new Promise((resolve, reject) => {
    const req = process
      .getBuiltinModule('node:http')
      .request(input, { method: init?.method ?? 'GET', headers: init?.headers as http.OutgoingHttpHeaders }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            json: async () => JSON.parse(text) as unknown,
            text: async () => text,
          } as Response);
        });
      });
    req.on('error', reject);
    req.end(typeof init?.body === 'string' ? init.body : undefined);
  })) as typeof fetch;
