// Measures the CPU cost of presigning and signing for N nodes in one process (all nodes'
// work added up, as it would be on one machine running every node). Not a test; run with
//   node bench/threshold-cost.ts [N] [batch size]
// bench/run.ts uses thresholdCost() for the signing phases.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { combineSignature, signShare } from '../app/shared/threshold/ecdsa.ts';
import { secp256k1Group, secp256k1UncompressedBytes } from '../app/shared/threshold/groups.ts';
import { degreeFor, thresholdFor } from '../app/shared/network.ts';
import {
  presignRound1Deal,
  presignRound1Finish,
  presignRound2Finish,
  presignRound2Value,
  type PresignBatchParams,
} from '../app/shared/threshold/presign.ts';
import { randomScalar } from '../app/shared/threshold/scalar.ts';
import { simulateDkg } from '../app/shared/threshold/simulation.ts';

export interface ThresholdCost {
  n: number;
  /** All nodes' presigning work per presignature, and per node. */
  presignMs: number;
  presignMsPerNode: number;
  /** One node's share of a signature. */
  nodeShareMs: number;
  /** The client: combine, low-s, recid, verify. */
  clientMs: number;
}

/** CPU per presignature and per signature for N nodes, in this one process. */
export function thresholdCost(n: number, count = 100, log: (line: string) => void = () => {}): ThresholdCost {
  const t = degreeFor(n);
  const threshold = thresholdFor(n);
  const participants = Array.from({ length: n }, (_, i) => i + 1);
  const key = simulateDkg(secp256k1Group, n, t);
  const publicKey = secp256k1UncompressedBytes((key[0] as (typeof key)[number]).publicKey);

  function timed<T>(f: () => T): [T, number] {
    const start = performance.now();
    const out = f();
    return [out, performance.now() - start];
  }

  function presignBatch(batchId: string): {
    ms: Record<string, number>;
    presigs: ReturnType<typeof presignRound2Finish>[];
  } {
    const params: PresignBatchParams = { batchId, participants, t, count };
    const [dealings, deal] = timed(() => participants.map((i) => presignRound1Deal(params, i)));
    const [states, finish1] = timed(() =>
      participants.map((j, pos) =>
        presignRound1Finish(
          params,
          j,
          dealings.map((d) => ({
            broadcast: d.broadcast,
            shares: d.privateShares[pos] as (typeof d.privateShares)[number],
          })),
        ),
      ),
    );
    const [round2, value2] = timed(() => states.map(presignRound2Value));
    const [presigs, finish2] = timed(() => states.map((s) => presignRound2Finish(s, round2)));
    return { ms: { deal, finish1, value2, finish2 }, presigs };
  }

  presignBatch('warm-up'); // let the JIT and noble's base-point table settle
  const { ms, presigs } = presignBatch('measured');
  const total = Object.values(ms).reduce((a, b) => a + b, 0);
  log(`N=${n} t=${t} T=${threshold}, batch of ${count} presignatures, all ${n} nodes' work summed:`);
  for (const [step, v] of Object.entries(ms)) log(`  ${step.padEnd(8)} ${(v / count).toFixed(3)} ms per presignature`);
  log(`  total    ${(total / count).toFixed(3)} ms per presignature (${(total / count / n).toFixed(3)} ms per node)`);

  const signings = Math.min(count, 40);
  let nodeMs = 0;
  let clientMs = 0;
  for (let b = 0; b < signings; b++) {
    const digest = secp256k1Group.Fn.toBytes(randomScalar(secp256k1Group.Fn));
    const [shares, ms1] = timed(() =>
      participants.slice(0, threshold).map((j) => {
        const p = (presigs[j - 1] as (typeof presigs)[number])[b] as (typeof presigs)[number][number];
        const out = signShare({
          digest,
          R: p.R,
          w: p.w,
          z2: p.z2,
          keyShare: (key[j - 1] as (typeof key)[number]).secretShare,
          publicKey,
        });
        return { index: j, value: out.s, bigR: out.bigR };
      }),
    );
    const [, ms2] = timed(() =>
      combineSignature({ shares, bigR: (shares[0] as (typeof shares)[number]).bigR, publicKey, digest, degree: 2 * t }),
    );
    nodeMs += ms1;
    clientMs += ms2;
  }
  log(`signing with T=${threshold} nodes:`);
  log(
    `  node shares  ${(nodeMs / signings).toFixed(3)} ms per signature (${(nodeMs / signings / threshold).toFixed(3)} ms per node)`,
  );
  log(`  client       ${(clientMs / signings).toFixed(3)} ms per signature (combine, low-s, recid, verify)`);
  log(`  total        ${((nodeMs + clientMs) / signings).toFixed(3)} ms per signature`);
  return {
    n,
    presignMs: total / count,
    presignMsPerNode: total / count / n,
    nodeShareMs: nodeMs / signings / threshold,
    clientMs: clientMs / signings,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  thresholdCost(Number(process.argv[2] ?? 7), Number(process.argv[3] ?? 100), (line) => console.log(line));
