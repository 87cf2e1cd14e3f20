import { fromWireJson, toWireJson } from '../../shared/wire-json.ts';
import { httpExchange, type HttpAnswer } from '../../shared/http-exchange.ts';
import type { PeerInfo } from './peer-crypto.ts';

/** A peer answered with an error, or did not answer. */
export class PeerCallError extends Error {
  readonly peer: number;
  /** The code the peer refused with, when it answered one. */
  readonly code: string | undefined;
  constructor(peer: number, message: string, code?: string) {
    super(`node ${peer}: ${message}`);
    this.peer = peer;
    this.code = code;
  }
}

/** POSTs a protocol message to a peer and decodes its answer (wire JSON, bigints and bytes kept). */
export async function callPeer<T>(peer: PeerInfo, path: string, body: unknown, timeoutMs = 30_000): Promise<T> {
  let answer: HttpAnswer;
  try {
    answer = await httpExchange(`${peer.endpoint}${path}`, { body: toWireJson(body), timeoutMs });
  } catch (err) {
    throw new PeerCallError(peer.index, `unreachable (${(err as Error).message})`);
  }
  const { status, text } = answer;
  if (status < 200 || status > 299) {
    let message = `answered ${status}`;
    let code: string | undefined;
    try {
      const error = (JSON.parse(text) as { error: { code?: unknown; message: string } }).error;
      message = error.message;
      if (typeof error.code === 'string') code = error.code;
    } catch {
      // Not our error shape; keep the status.
    }
    throw new PeerCallError(peer.index, message, code);
  }
  return fromWireJson<T>(text);
}

/** Runs `call` on every peer at once; all must succeed (protocol rounds need everyone). */
export async function callAll<T>(
  peers: readonly PeerInfo[],
  call: (peer: PeerInfo) => Promise<T>,
): Promise<Map<number, T>> {
  const results = await Promise.allSettled(peers.map(call));
  const out = new Map<number, T>();
  const failures: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') out.set(peers[i]!.index, r.value);
    else failures.push((r.reason as Error).message);
  });
  if (failures.length > 0) throw new Error(failures.join('; '));
  return out;
}
