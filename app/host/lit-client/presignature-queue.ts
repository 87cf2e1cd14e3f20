import { callRoute, type NodeEndpoint } from './node-request.ts';
import { settleWithQuorum } from './quorum.ts';

export interface PresignatureChoice {
  id: string;
  /** Nodes that hold it fresh, durably (each listed it from its own database). */
  holders: number[];
}

/** How long what the nodes said stays believed; after that a refresh runs in the background. */
const FRESH_FOR_MS = 2_000;
/** Refreshes that something went wrong asked for run at most this often. */
const MIN_REFRESH_GAP_MS = 250;

/** How many usable presignatures a pick compares (the queue can hold thousands). */
const PICK_AMONG = 64;

/**
 * Takes a presignature from `queue`: of the first PICK_AMONG that `usable` accepts, the best by
 * `score` (or the first, without one). The unusable ones it passes over are dropped from what
 * it returns (a refill offers them again); it never returns one `usable` refuses. (It used to
 * filter only the first 64 and then score the first 64 of what was left: after churn, when the
 * first 64 were all unusable, it handed out a presignature too few live nodes held, and the
 * request failed with "only 4 nodes agreed on what to sign".)
 */
export function pickPresignature(
  queue: readonly PresignatureChoice[],
  usable: (choice: PresignatureChoice) => boolean,
  score?: (choice: PresignatureChoice) => number,
): { choice: PresignatureChoice | undefined; rest: PresignatureChoice[] } {
  const kept: PresignatureChoice[] = [];
  let best = -1;
  let bestScore = -Infinity;
  let next = 0;
  while (next < queue.length && kept.length < PICK_AMONG) {
    const c = queue[next++]!;
    if (!usable(c)) continue;
    kept.push(c);
    if (!score) break;
    const s = score(c);
    if (s > bestScore) [best, bestScore] = [kept.length - 1, s];
  }
  if (!score && kept.length > 0) best = 0;
  const rest = [...kept, ...queue.slice(next)];
  const choice = best < 0 ? undefined : rest.splice(best, 1)[0];
  return { choice, rest };
}

/**
 * How a pick ranks the usable presignatures, given how many of a presignature's holders are
 * live now. One that fewer nodes hold goes first: made while some nodes were down, it is usable
 * only while those very holders are up, whereas one every node holds is usable whichever N − T
 * are down. Taking the best-held first (as picks did) spent those within seconds of churn; then
 * a change of which nodes were down left no presignature usable, and requests waited 2–4 s for
 * a batch among the nodes up. `spare`: live holders beyond T that a pick wants first, if any
 * presignature has them (a run of executeJs keeps one, so that one node slow to answer does not
 * leave its signature short of T bindings). Of equal holders, the one most live nodes hold.
 */
export function fragileFirst(
  live: (choice: PresignatureChoice) => number,
  threshold: number,
  spare = 0,
): (choice: PresignatureChoice) => number {
  return (c) => {
    const up = live(c);
    return (up >= threshold + spare ? 1_000 : 0) - 10 * c.holders.length + up;
  };
}

/**
 * The client's view of which presignatures the nodes hold: ids that at least T nodes report as
 * fresh, handed out once each. Only the host's client can ask (nodes tell the ids to no one
 * else: see node-runtime.ts). Which presignature a request uses is the client's choice; the
 * nodes' bindings, not this queue, make reuse impossible.
 *
 * What a node says is a fact about its own durable store (it lists a presignature only once
 * the batch is committed there), so a node killed before its copy was durable is never named
 * as a holder. The view is refreshed every FRESH_FOR_MS while in use, when a node comes back,
 * and when a request met a presignature a holder no longer had fresh; a refresh replaces the
 * holders of every queued presignature and drops those fewer than T nodes still hold.
 */
export class PresignatureQueue {
  private queue: PresignatureChoice[] = [];
  private handedOut = new Set<string>();
  private refilling: Promise<void> | undefined;
  private refreshedAt = 0;
  private refreshWanted = false;
  /** A take picks only from a view asked for at or after this time (see refresh). */
  private viewWantedAfter = 0;
  /** Takes waiting for a usable presignature (see nextLook). */
  private waiting: (() => void)[] = [];
  /** How many nodes answered the last availability query. */
  private lastAnswered = 0;
  private readonly nodes: () => readonly NodeEndpoint[];
  private readonly threshold: number;

  constructor(nodes: () => readonly NodeEndpoint[], threshold: number) {
    this.nodes = nodes;
    this.threshold = threshold;
  }

  /**
   * The next presignature; when none is known, asks the nodes again until `waitMs` passed
   * (right after start-up the nodes are still making the first batch). Choices `usable` refuses
   * (say, too many of their holders are down now) are dropped; the next refill offers them again.
   * With `score`, the best-scoring of the next few is taken (say, the one most live nodes hold).
   */
  async take(
    waitMs = 15_000,
    usable: (choice: PresignatureChoice) => boolean = () => true,
    score?: (choice: PresignatureChoice) => number,
  ): Promise<PresignatureChoice | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      // A view known to name spent presignatures is not picked from: each such pick fails a run.
      while (this.refreshedAt < this.viewWantedAfter) {
        this.startRefill();
        await this.refilling;
      }
      const stale = Date.now() - this.refreshedAt > FRESH_FOR_MS;
      if (this.queue.length < 32 || stale || this.refreshWanted) {
        if (this.refreshWanted && Date.now() - this.refreshedAt < MIN_REFRESH_GAP_MS) {
          // asked for recently: the refresh after this one will do
        } else this.startRefill();
        if (this.queue.length === 0) await this.refilling;
      }
      const choice = this.pick(usable, score);
      if (choice) {
        this.handedOut.add(choice.id);
        return choice;
      }
      // Fewer than T nodes answering will not change by waiting for presignatures.
      if (Date.now() >= deadline || this.lastAnswered < this.threshold) return undefined;
      await this.nextLook(250);
    }
  }

  private startRefill(): void {
    this.refreshWanted = false;
    this.refilling ??= this.refill().finally(() => (this.refilling = undefined));
  }

  private pick(
    usable: (choice: PresignatureChoice) => boolean,
    score: ((choice: PresignatureChoice) => number) | undefined,
  ): PresignatureChoice | undefined {
    const { choice, rest } = pickPresignature(this.queue, usable, score);
    this.queue = rest;
    return choice;
  }

  /** Presignatures offered but not used (an action signed less than offered) go back first. */
  giveBack(choices: readonly PresignatureChoice[]): void {
    for (const c of choices) this.handedOut.delete(c.id);
    this.queue.unshift(...choices);
  }

  /**
   * What we believe is out of date (a holder no longer had a presignature fresh, a node came
   * back): the next take refreshes the view, without waiting for it while the queue has any.
   * `spent`: nodes said a presignature this view offered was already used (bound at the nodes
   * by another client, say), so others in it may be too: takes wait for a view asked for from
   * now on instead of picking from this one (a run that tried five of them in a row failed).
   */
  refresh(spent = false): void {
    this.refreshWanted = true;
    if (spent) this.viewWantedAfter = Date.now();
  }

  /**
   * A node came back (its channel opened again): refresh, and the requests waiting for T holders
   * look again now, as it may be the holder they lack. Not on every refresh: after a failed try
   * the view is being renewed, and a look before that only picks from what is out of date.
   */
  nodeBack(): void {
    this.refresh();
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Resolves after `ms`, or sooner when nodeBack() is called. */
  private nextLook(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== wake);
        resolve();
      }, ms);
      this.waiting.push(wake);
    });
  }

  /** Learns which presignatures the nodes hold now, so the first request does not wait for it. */
  async prefetch(): Promise<void> {
    if (this.queue.length > 0) return;
    this.startRefill();
    await this.refilling;
  }

  private async refill(): Promise<void> {
    const asked = Date.now();
    // Down nodes refuse at once; once T answered, a busy one gets a moment more, not the whole
    // timeout (a presignature it holds is then offered without it).
    const reports = await settleWithQuorum(
      this.nodes().map((node) => callRoute(node, 'presignAvailable', undefined, 5_000, { limit: '1000' })),
      this.threshold,
      300,
    );
    const answered = reports.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    this.lastAnswered = answered.length;
    this.refreshedAt = asked;
    if (answered.length < this.threshold) return; // too little known to judge what is queued
    const holders = new Map<string, number[]>();
    for (const report of answered)
      for (const id of report.ids) {
        const list = holders.get(id) ?? [];
        list.push(report.node);
        holders.set(id, list);
      }
    const holdersOf = (id: string) => (holders.get(id) ?? []).sort((a, b) => a - b);
    const silent = this.nodes()
      .map((n) => n.index)
      .filter((i) => !answered.some((r) => r.node === i));
    // A queued presignature keeps its place with the holders known now; one that fewer than T
    // still hold (used meanwhile, by this client or anyone) is dropped. A node that did not
    // answer stays a holder of what it listed before: it may be busy, not empty.
    const kept: PresignatureChoice[] = [];
    for (const c of this.queue) {
      const now = [...holdersOf(c.id), ...c.holders.filter((h) => silent.includes(h))].sort((a, b) => a - b);
      if (now.length >= this.threshold) kept.push({ id: c.id, holders: now });
    }
    const queued = new Set(kept.map((c) => c.id));
    for (const [id] of holders) {
      const list = holdersOf(id);
      if (list.length >= this.threshold && !queued.has(id) && !this.handedOut.has(id)) kept.push({ id, holders: list });
    }
    this.queue = kept;
    if (this.handedOut.size > 100_000) this.handedOut = new Set();
  }

  /** For tests: the presignatures the client would offer now (ids and holders), without taking any. */
  async peek(): Promise<readonly PresignatureChoice[]> {
    await this.prefetch();
    return [...this.queue];
  }
}
