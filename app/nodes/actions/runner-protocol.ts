// The messages between a node and its runner processes (Node's IPC channel, "advanced"
// serialization, so Uint8Array and bigint cross as they are). The runner process runs
// hostile code: everything it sends is parsed here before the node acts on it.
import { z } from 'zod';
import { BINDING_METHODS } from './binding-methods.ts';
import type { ActionAuth } from './types.ts';
import type { IsolateRunnerOptions, IsolateRunnerStats } from './isolate-runner.ts';

/** Node → runner process. */
export type ToRunner =
  | { type: 'configure'; options: IsolateRunnerOptions }
  | {
      type: 'run';
      run: number;
      code: string;
      ipfsId: string | undefined;
      /** JSON of jsParams (made by the node: deep values would overflow the IPC copy). */
      jsParamsJson: string | null;
      auth: ActionAuth | undefined;
    }
  | { type: 'reply'; call: number; ok: true; value: unknown }
  | { type: 'reply'; call: number; ok: false; message: string };

const Stats = z.object({
  executions: z.number(),
  isolatesCreated: z.number(),
  isolatesDisposed: z.number(),
  contextsCreated: z.number(),
  scriptCompiles: z.number(),
  scriptCacheHits: z.number(),
}) satisfies z.ZodType<IsolateRunnerStats>;

const SignRequest = z.object({
  sigName: z.string(),
  toSign: z.instanceof(Uint8Array),
  publicKey: z.string(),
  method: z.enum(['signEcdsa', 'ethPersonalSignMessageEcdsa']),
});

export const RunnerResult = z.object({
  response: z.string().optional(),
  logs: z.string(),
  signRequests: z.array(SignRequest).max(64),
  error: z
    .object({
      kind: z.enum(['syntax', 'thrown', 'timeout', 'memory', 'limit']),
      message: z.string(),
      stack: z.string().optional(),
    })
    .optional(),
  ipfsId: z.string(),
});

/** Runner process → node. */
export const FromRunner = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), stats: Stats }),
  z.object({
    type: z.literal('call'),
    run: z.number().int(),
    call: z.number().int(),
    method: z.enum(BINDING_METHODS),
    args: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal('result'),
    run: z.number().int(),
    result: RunnerResult,
    stats: Stats,
    /** The run timed out or ran out of memory: the node kills this process, for certain. */
    endRunner: z.boolean(),
  }),
  /** A run under way has spent HEAVY_RUN_CPU_MS of CPU in its isolate (runner-child.ts); sent once. */
  z.object({ type: z.literal('heavy') }),
  /** The runner's own resident memory, sent while a run is under way (MB). */
  z.object({ type: z.literal('memory'), rssMb: z.number() }),
]);
export type FromRunner = z.infer<typeof FromRunner>;
