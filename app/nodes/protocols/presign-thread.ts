// A node's presignature thread (presign-worker.ts): round-1 arithmetic for large batches, one
// job at a time, at the niceness the node asked for.

import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadsPriority, runPresignThreadJob, type PresignThreadJob } from './presign-worker.ts';

const port = parentPort;
if (!port) throw new Error('presign-thread.ts runs as a worker thread of a node');
const { niceness } = workerData as { niceness: number };
if (niceness > 0) lowerThisThreadsPriority(niceness);
port.on('message', (job: PresignThreadJob) => port.postMessage(runPresignThreadJob(job)));
