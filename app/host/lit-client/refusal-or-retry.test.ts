import { describe, expect, it } from 'vitest';
import type { NodeCallErrorCode } from '../../shared/node-protocol.ts';
import { ActionFailedError, NotEnoughNodesError, SigningRefusedError } from './errors.ts';
import { NodeCallError } from './node-request.ts';
import {
  EXECUTE_ATTEMPTS,
  judgeBindShortfall,
  judgeDecryptionShortfall,
  MAX_SPOILED_PRESIGNATURES,
  maySignAgain,
  nextRunOffer,
  presignaturesWanted,
  refusedTheRun,
  SIGN_ATTEMPTS,
  spoiledTooOften,
  worthAskingAgain,
} from './refusal-or-retry.ts';

const fail = (node: number, status: number, code: NodeCallErrorCode) => new NodeCallError(node, status, code, code);

describe('a bind round short of T: refusal, another presignature, or too few nodes', () => {
  // 7 nodes, T = 5.
  const judge = (errors: NodeCallError[]) => judgeBindShortfall(errors, 5, 7);

  it('the request refused by one node ends the request, whatever else happened', () => {
    for (const code of ['not_permitted', 'unknown_pkp', 'bad_request', 'bad_auth_sig', 'expired_auth_sig'] as const) {
      const refusal = fail(3, 403, code);
      expect(judge([fail(1, 0, 'unreachable'), refusal, fail(4, 409, 'presignature_used')])).toEqual({
        kind: 'refused',
        by: refusal,
      });
    }
    // Any 401 or 403 is a refusal of the request, even with a code outside the list.
    expect(judge([fail(2, 401, 'reused_nonce')]).kind).toBe('refused');
  });

  it('a presignature spent at a holder (bound elsewhere, unknown, released) is spoiled: try another', () => {
    for (const code of ['presignature_used', 'unknown_presignature', 'released'] as const) {
      const spent = fail(6, 409, code);
      expect(judge([fail(1, 0, 'unreachable'), spent])).toEqual({ kind: 'spoiled', at: [spent] });
    }
  });

  it('holders down with T nodes still reachable: another presignature, without the unreachable or restarting nodes', () => {
    expect(judge([fail(2, 0, 'unreachable'), fail(5, 503, 'not_ready'), fail(6, 500, 'internal')])).toEqual({
      kind: 'other_presignature',
      unreachable: [2, 5],
      notInRun: [],
    });
  });

  it('a rebind refused by a node that forgot the run (restarted) or ran it otherwise: left out like a node down', () => {
    expect(judge([fail(2, 503, 'not_ready'), fail(3, 404, 'unknown_run'), fail(4, 409, 'other_message')])).toEqual({
      kind: 'other_presignature',
      unreachable: [2],
      notInRun: [3, 4],
    });
    expect(judge([fail(1, 0, 'unreachable'), fail(3, 404, 'unknown_run'), fail(4, 409, 'other_message')])).toEqual({
      kind: 'not_enough_nodes',
      reachable: 4,
    });
  });

  it('fewer than T reachable: not enough nodes', () => {
    expect(judge([fail(1, 0, 'unreachable'), fail(2, 0, 'timeout'), fail(3, 0, 'unreachable')])).toEqual({
      kind: 'not_enough_nodes',
      reachable: 4,
    });
  });

  it('asks a releasing node again only when it could not be reached or was not back yet', () => {
    expect([0, 503, 200, 400, 409, 500].map(worthAskingAgain)).toEqual([true, true, false, false, false, false]);
  });
});

describe('how long pkpSign keeps trying', () => {
  it('has SIGN_ATTEMPTS for nodes going down, one more per spoiled presignature, up to a limit', () => {
    expect(maySignAgain(SIGN_ATTEMPTS - 1, 0)).toBe(true);
    expect(maySignAgain(SIGN_ATTEMPTS, 0)).toBe(false);
    expect(maySignAgain(SIGN_ATTEMPTS + 2, 3)).toBe(true);
    expect(maySignAgain(SIGN_ATTEMPTS + MAX_SPOILED_PRESIGNATURES, MAX_SPOILED_PRESIGNATURES + 1)).toBe(false);
    expect(spoiledTooOften(MAX_SPOILED_PRESIGNATURES)).toBe(false);
    expect(spoiledTooOften(MAX_SPOILED_PRESIGNATURES + 1)).toBe(true);
  });

  it('gives up after at most SIGN_ATTEMPTS + MAX_SPOILED_PRESIGNATURES + 1 tries, however the failures fall', () => {
    for (const spoiledEvery of [1, 2, 3, Infinity]) {
      let spoiled = 0;
      let attempts = 0;
      for (let attempt = 0; maySignAgain(attempt, spoiled); attempt++) {
        attempts++;
        if ((attempt + 1) % spoiledEvery === 0) spoiled++;
      }
      expect(attempts).toBeLessThanOrEqual(SIGN_ATTEMPTS + MAX_SPOILED_PRESIGNATURES + 1);
      expect(attempts).toBeGreaterThanOrEqual(SIGN_ATTEMPTS);
    }
  });
});

describe('whether a Lit Action run is run again', () => {
  const limit = (made: number, offered: number) =>
    new ActionFailedError(
      'limit',
      `the action made ${made} signatures; the request offered ${offered} presignatures`,
      '',
      [],
    );

  it('reads how many signatures the action wanted from the nodes’ limit message', () => {
    expect(presignaturesWanted('the action made 4 signatures; the request offered 2 presignatures')).toBe(4);
    expect(presignaturesWanted('out of memory')).toBe(0);
  });

  it('runs again with as many presignatures as the action signs, up to Lit’s 10', () => {
    expect(nextRunOffer(limit(4, 2), 1, 2, false)).toBe(4);
    expect(nextRunOffer(limit(11, 2), 1, 2, false)).toBeUndefined();
    expect(nextRunOffer(limit(2, 2), 1, 2, false)).toBeUndefined(); // offered enough: a real limit
  });

  it('runs again after nodes dropped out mid-run, not when too few were there from the start', () => {
    expect(nextRunOffer(new NotEnoughNodesError('a node dropped out'), 1, 2, false)).toBe(2);
    expect(nextRunOffer(new NotEnoughNodesError('3 of 7 reachable', { beforeRun: true }), 1, 2, false)).toBeUndefined();
  });

  it('never runs again an action that had effects outside the nodes, nor past EXECUTE_ATTEMPTS runs', () => {
    expect(nextRunOffer(new NotEnoughNodesError('a node dropped out'), 1, 2, true)).toBeUndefined();
    expect(nextRunOffer(limit(4, 2), 1, 2, true)).toBeUndefined();
    expect(nextRunOffer(new NotEnoughNodesError('a node dropped out'), EXECUTE_ATTEMPTS, 2, false)).toBeUndefined();
  });

  it('never runs again an action that failed by itself or was refused', () => {
    expect(nextRunOffer(new ActionFailedError('error', 'boom', '', []), 1, 2, false)).toBeUndefined();
    expect(nextRunOffer(new SigningRefusedError('not permitted'), 1, 2, false)).toBeUndefined();
  });

  it('takes a run no node answered as refused only when a node said so (4xx)', () => {
    expect(refusedTheRun(fail(2, 401, 'bad_auth_sig'))).toBe(true);
    expect(refusedTheRun(fail(2, 0, 'unreachable'))).toBe(false);
    expect(refusedTheRun(fail(2, 500, 'internal'))).toBe(false);
    expect(refusedTheRun(undefined)).toBe(false);
  });
});

describe('a decryption short of T shares: refused, or too few nodes', () => {
  // 7 nodes asked, T = 5: up to 2 may fail without the request being refused.
  const judge = (...codes: NodeCallErrorCode[]) =>
    judgeDecryptionShortfall(
      codes.map((code, i) => ({ node: i + 1, code })),
      7,
      5,
    );

  it('is refused when more nodes refused the request itself than may fail', () => {
    expect(judge('conditions_not_met', 'conditions_not_met', 'not_permitted')).toEqual({
      refused: [
        { node: 1, code: 'conditions_not_met' },
        { node: 2, code: 'conditions_not_met' },
        { node: 3, code: 'not_permitted' },
      ],
      invalid: false,
    });
  });

  it('is too few nodes when nodes were down or failed, however many', () => {
    expect(judge('unreachable', 'timeout', 'internal', 'bad_share', 'not_ready')).toBeUndefined();
    expect(judge('conditions_not_met', 'conditions_not_met', 'unreachable')).toBeUndefined();
  });

  it('calls the record invalid only when every refusal is about the record itself', () => {
    expect(judge('bad_ciphertext', 'wrong_network_key', 'bad_conditions')?.invalid).toBe(true);
    expect(judge('bad_ciphertext', 'wrong_network_key', 'bad_auth_sig')?.invalid).toBe(false);
  });
});
