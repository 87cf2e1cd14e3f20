// In-process simulation of N honest nodes running the protocols with every message delivered:
// for tests and cost measurements only (no node layer uses this). Each helper returns what
// every node would hold afterwards, so tests can tamper with one node's data.
import { dealDkg, finishDkg, type DkgResult } from './dkg.ts';
import type { Group } from './groups.ts';
import {
  presignRound1Deal,
  presignRound1Finish,
  presignRound2Finish,
  presignRound2Value,
  type PresignBatchParams,
  type Presignature,
} from './presign.ts';

/** Runs a full DKG among nodes 1..n; entry i-1 is node i's result. */
export function simulateDkg(group: Group, n: number, degree: number): DkgResult[] {
  const dealings = Array.from({ length: n }, (_, i) => dealDkg({ group, dealer: i + 1, n, degree }));
  return Array.from({ length: n }, (_, j) =>
    finishDkg({
      group,
      n,
      degree,
      me: j + 1,
      dealings: dealings.map((d) => ({
        dealer: d.dealer,
        share: (d.shares[j] as { value: bigint }).value,
        commitments: d.commitments,
      })),
    }),
  );
}

/** Runs one presign batch among `params.participants`; returns each participant's presignatures. */
export function simulatePresign(params: PresignBatchParams): Map<number, Presignature[]> {
  const { participants } = params;
  const dealings = participants.map((i) => presignRound1Deal(params, i));
  const states = participants.map((j, pos) =>
    presignRound1Finish(
      params,
      j,
      dealings.map((d) => ({
        broadcast: d.broadcast,
        shares: d.privateShares[pos] as (typeof d.privateShares)[number],
      })),
    ),
  );
  const round2 = states.map(presignRound2Value);
  return new Map(
    participants.map((j, pos) => [j, presignRound2Finish(states[pos] as (typeof states)[number], round2)]),
  );
}
