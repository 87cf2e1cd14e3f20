// A batch that refills a pool with room to spare, on a worker thread below the node's priority.
// Seven nodes' batches on two cores competed with the signatures being made: a sequential
// signature that met a batch took 19–28 ms at its median instead of 7–9, on the node's thread
// with breaks or on a thread of its own at the node's priority alike; below it, 15 ms, for the
// OS runs the signature first. A batch that requests may be waiting for stays on the node's
// thread at its priority (presign-protocol.ts): beside two busy programs a batch below it took
// 2–5 s, and the pool ran dry behind it.

import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  presignRound1Deal,
  presignRound1Finish,
  type PresignBatchParams,
  type PresignDealing,
  type PresignRound1State,
} from '../../shared/threshold/presign.ts';

/** The background thread's niceness (Linux), as the outsiders' action runners'. */
export const BACKGROUND_NICENESS = 10;

/** What the dealers sent a participant in round 1, as presignRound1Finish takes it. */
type Round1Received = Parameters<typeof presignRound1Finish>[2];

/** The messages between the node and its thread; both ends are this module and its entry. */
export type PresignThreadJob =
  | { readonly id: number; readonly kind: 'deal'; readonly params: PresignBatchParams; readonly me: number }
  | {
      readonly id: number;
      readonly kind: 'finish';
      readonly params: PresignBatchParams;
      readonly me: number;
      readonly received: Round1Received;
    };

export type PresignThreadReply =
  | { readonly id: number; readonly ok: true; readonly value: PresignDealing | PresignRound1State }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** Runs a job: what the thread does with each message. */
export function runPresignThreadJob(job: PresignThreadJob): PresignThreadReply {
  try {
    const value =
      job.kind === 'deal'
        ? presignRound1Deal(job.params, job.me)
        : presignRound1Finish(job.params, job.me, job.received);
    return { id: job.id, ok: true, value };
  } catch (err) {
    return { id: job.id, ok: false, message: (err as Error).message };
  }
}

/**
 * Lowers the calling thread's priority, on Linux, where a thread has an id of its own. Elsewhere
 * setpriority would lower the whole process, the node's signing with it: the thread then runs at
 * the node's priority, off its event loop still.
 */
export function lowerThisThreadsPriority(niceness: number): void {
  if (process.platform !== 'linux') return;
  try {
    // "<pid>/task/<tid>"
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid) && tid > 0) os.setPriority(tid, niceness);
  } catch {
    // not allowed here: runs at the node's priority
  }
}

/** scripts/bundle-nodes.ts writes the thread's program beside out/nodes/main.mjs under this name. */
export const PRESIGN_THREAD_BUNDLE_NAME = './presign-thread.mjs';
const PRESIGN_THREAD_SOURCE_NAME = './presign-thread.ts';

/** The thread's program: the bundle's sibling when the node runs bundled, else the source. */
export function presignThreadEntry(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.mjs') ? PRESIGN_THREAD_BUNDLE_NAME : PRESIGN_THREAD_SOURCE_NAME, here));
}

interface Waiting {
  readonly worker: Worker;
  readonly resolve: (reply: PresignThreadReply) => void;
  readonly reject: (err: Error) => void;
}

/**
 * A thread for presignature batches at a given niceness: started at its first batch, started
 * again after it dies (its jobs then fail, and the leader makes the batch again).
 */
export class PresignWorker {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private readonly niceness: number;
  private readonly entry: string;

  /** `niceness` above 0 lowers the thread (Linux); 0 leaves it at the node's priority. */
  constructor(niceness: number, entry: string = presignThreadEntry()) {
    this.niceness = niceness;
    this.entry = entry;
  }

  async deal(params: PresignBatchParams, me: number): Promise<PresignDealing> {
    return (await this.run({ id: this.nextId++, kind: 'deal', params, me })) as PresignDealing;
  }

  async finish(params: PresignBatchParams, me: number, received: Round1Received): Promise<PresignRound1State> {
    return (await this.run({ id: this.nextId++, kind: 'finish', params, me, received })) as PresignRound1State;
  }

  /** Stops the thread; jobs in progress fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private async run(job: PresignThreadJob): Promise<PresignDealing | PresignRound1State> {
    const worker = this.worker ?? this.start();
    const reply = await new Promise<PresignThreadReply>((resolve, reject) => {
      this.waiting.set(job.id, { worker, resolve, reject });
      worker.postMessage(job);
    });
    if (!reply.ok) throw new Error(reply.message);
    return reply.value;
  }

  private start(): Worker {
    const worker = new Worker(this.entry, { workerData: { niceness: this.niceness } });
    worker.unref(); // an idle thread never keeps a node that is stopping alive
    worker.on('message', (reply: PresignThreadReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      waiting?.resolve(reply);
    });
    const failAll = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiting] of this.waiting) {
        if (waiting.worker !== worker) continue;
        this.waiting.delete(id);
        waiting.reject(err);
      }
    };
    worker.on('error', (err) => failAll(new Error(`the presignature thread failed: ${err.message}`)));
    worker.on('exit', (code) => failAll(new Error(`the presignature thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
