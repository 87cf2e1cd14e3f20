import { NodeChannels } from '../app/host/lit-client/node-transport.ts';
import { percentile } from './report.ts';

/**
 * Where one pkpSign's (or executeJs's) time goes, round by round, timed at the host's node
 * transport: every call the client makes to a node passes NodeChannels.call, so the bench wraps
 * it (for the bench's own process only) and notes when each call was sent and answered. The
 * requests are made one at a time, so each call belongs to the request in progress. The first
 * round is `bind` for pkpSign, `execute` (the run, which binds) for executeJs.
 */
export interface SignPhases {
  /** From the call to the first request of the first round sent: picking presignatures (and runners). */
  takeMs: number;
  /** From the first request of the first round sent to the T-th answer. */
  bindMs: number;
  /** From the T-th answer to the first release sent: waiting for the others' (the spares'). */
  spareBindingsMs: number;
  /** From the first release sent to the T-th share back. */
  releaseMs: number;
  /** From the T-th share to the signature returned: combining and verifying. */
  combineMs: number;
}

type Event = { route: string; at: number; answered: boolean };

export async function measureSignPhases(
  threshold: number,
  count: number,
  sign: () => Promise<unknown>,
  firstRound: 'bind' | 'execute' = 'bind',
): Promise<Record<keyof SignPhases, number>> {
  const events: Event[] = [];
  const original = NodeChannels.prototype.call;
  NodeChannels.prototype.call = function timed(this: NodeChannels, ...args: Parameters<typeof original>) {
    const route = args[1];
    events.push({ route, at: performance.now(), answered: false });
    const answer = original.apply(this, args);
    answer.then(
      () => events.push({ route, at: performance.now(), answered: true }),
      () => undefined,
    );
    return answer;
  } as typeof original;
  const phases: SignPhases[] = [];
  try {
    for (let i = 0; i < count; i++) {
      events.length = 0;
      const started = performance.now();
      await sign();
      const ended = performance.now();
      const sent = (route: string) => events.find((e) => e.route === route && !e.answered)?.at;
      const nth = (route: string) => events.filter((e) => e.route === route && e.answered)[threshold - 1]?.at;
      const [bindSent, bindT, releaseSent, releaseT] = [
        sent(firstRound),
        nth(firstRound),
        sent('release'),
        nth('release'),
      ];
      // A request that needed a second presignature (or spares) is not one round each: left out.
      if (bindSent === undefined || bindT === undefined || releaseSent === undefined || releaseT === undefined)
        continue;
      if (events.filter((e) => e.route === 'release' && !e.answered).length > threshold) continue;
      phases.push({
        takeMs: bindSent - started,
        bindMs: bindT - bindSent,
        spareBindingsMs: releaseSent - bindT,
        releaseMs: releaseT - releaseSent,
        combineMs: ended - releaseT,
      });
    }
  } finally {
    NodeChannels.prototype.call = original;
  }
  const p50 = (key: keyof SignPhases) =>
    percentile(
      phases.map((p) => p[key]),
      50,
    );
  return {
    takeMs: p50('takeMs'),
    bindMs: p50('bindMs'),
    spareBindingsMs: p50('spareBindingsMs'),
    releaseMs: p50('releaseMs'),
    combineMs: p50('combineMs'),
  };
}
