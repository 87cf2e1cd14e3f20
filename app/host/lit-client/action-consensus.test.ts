import { describe, expect, it } from 'vitest';
import type { ExecuteJsNodeResponse } from '../../shared/node-api.ts';
import { agreeOnRun, agreeOnSignatures, runAgreed, runOutcome, type NodeRunAnswer } from './action-consensus.ts';
import { ActionFailedError, NotEnoughNodesError, SigningRefusedError } from './errors.ts';
import { NodeCallError } from './node-request.ts';

// Recorded-style node answers for a 5-node network with T = 4.
const T = 4;
const N = 5;
const KEY = `0x04${'ab'.repeat(64)}`;
const DIGEST = `0x${'11'.repeat(32)}`;

function answer(node: number, over: Partial<ExecuteJsNodeResponse> = {}): NodeRunAnswer {
  return {
    node: { index: node, url: `http://127.0.0.1:${7000 + node}` },
    answer: { node, ipfsId: 'QmAction', response: '"ok"', logs: 'hello\n', signatures: {}, ...over },
  };
}
const signed = (node: number, presignatureId = 'ps:1', toSign = DIGEST) => ({
  sig1: { presignatureId, toSign, publicKey: KEY, binding: { node, tags: { [String(node)]: 'ab'.repeat(16) } } },
});
const run = (answers: NodeRunAnswer[], failures: NodeCallError[] = [], offered = 2, offer = 2) =>
  agreeOnRun({ answers, failures, threshold: T, nodeCount: N, offered, offer });
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
};

describe('what T nodes agree a Lit Action run came to', () => {
  it('takes the response and logs T nodes gave, with what each node answered', () => {
    const answers = [1, 2, 3, 4].map((n) => answer(n));
    answers.push(answer(5, { response: '"other"', logs: 'odd\n' }));
    const agreed = run(answers);
    expect(agreed.response).toBe('"ok"');
    expect(agreed.logs).toBe('hello\n');
    expect(agreed.ipfsId).toBe('QmAction');
    expect(agreed.nodes.map((n) => [n.node, n.response])).toEqual([
      [1, '"ok"'],
      [2, '"ok"'],
      [3, '"ok"'],
      [4, '"ok"'],
      [5, '"other"'],
    ]);
    expect(agreed.signatures).toEqual([]);
  });

  it('fails a run whose most common response fewer than T nodes gave (a plurality is not enough)', () => {
    const answers = [answer(1), answer(2), answer(3), answer(4, { response: '"x"' }), answer(5, { response: '"y"' })];
    const err = thrown(() => run(answers));
    expect(err).toBeInstanceOf(NotEnoughNodesError);
    expect((err as Error).message).toMatch(/the nodes disagree about the action's outcome/);
  });

  it('reports an error T nodes agree on as the action failing, with the logs and every node', () => {
    const error = { kind: 'error', message: 'boom' };
    const answers = [1, 2, 3, 4].map((n) => answer(n, { error, response: undefined, logs: 'before\n' }));
    answers.push(answer(5));
    const err = thrown(() => run(answers)) as ActionFailedError;
    expect(err).toBeInstanceOf(ActionFailedError);
    expect([err.kind, err.message, err.logs, err.nodes.length]).toEqual(['error', 'boom', 'before\n', 5]);
  });

  it('takes an agreed signing limit for too few nodes when fewer presignatures were at hand than offered', () => {
    const error = { kind: 'limit', message: 'the action made 2 signatures; the request offered 1 presignatures' };
    const answers = [1, 2, 3, 4].map((n) => answer(n, { error }));
    expect(thrown(() => run(answers, [], 1, 2))).toBeInstanceOf(NotEnoughNodesError);
    expect(thrown(() => run(answers, [], 2, 2))).toBeInstanceOf(ActionFailedError);
  });

  it('needs T answers; with none, a node refusing (4xx) is a refusal and anything else too few nodes', () => {
    const down = new NodeCallError(5, 0, 'unreachable', 'is unreachable');
    expect((thrown(() => run([answer(1), answer(2), answer(3)], [down])) as Error).message).toMatch(
      /3 of 5 answered the Lit Action, 4 are needed \(node 5 is unreachable\)/,
    );
    const refused = new NodeCallError(2, 401, 'bad_auth_sig', 'bad auth sig');
    expect(thrown(() => run([], [refused, down]))).toBeInstanceOf(SigningRefusedError);
    expect(thrown(() => run([], [down, refused]))).toBeInstanceOf(NotEnoughNodesError);
  });

  it('lets a run stop waiting once T successful answers agree on response and signatures alike', () => {
    const three = [1, 2, 3].map((n) => answer(n, { signatures: signed(n) }));
    expect(runAgreed(three, T)).toBe(false);
    expect(runAgreed([...three, answer(4, { signatures: signed(4, 'ps:2') })], T)).toBe(false);
    expect(runAgreed([...three, answer(4, { signatures: signed(4) })], T)).toBe(true);
    // Failed answers never count towards it, even T alike.
    const failed = [1, 2, 3, 4].map((n) => answer(n, { error: { kind: 'error', message: 'boom' } }));
    expect(runAgreed(failed, T)).toBe(false);
  });

  it('compares runs without their shares, logs or node numbers', () => {
    const a = answer(1, { signatures: signed(1), logs: 'a' }).answer;
    const b = answer(2, { signatures: signed(2), logs: 'b' }).answer;
    expect(runOutcome(a)).toEqual(runOutcome(b));
    expect(runOutcome(a)).not.toEqual(runOutcome({ ...b, signatures: signed(2, 'ps:1', `0x${'22'.repeat(32)}`) }));
  });
});

describe('which nodes a named signature is combined from', () => {
  it('the presignature, digest and key most nodes bound, from exactly the nodes that bound them', () => {
    const answers = [1, 2, 3, 4].map((n) => answer(n, { signatures: signed(n) }));
    answers.push(answer(5, { signatures: signed(5, 'ps:9') }));
    const [planned] = agreeOnSignatures(answers, T);
    expect(planned).toMatchObject({ name: 'sig1', target: { id: 'ps:1', toSign: DIGEST, publicKey: KEY } });
    expect('agreeing' in planned! && planned.agreeing.map((a) => [a.node.index, a.binding.node])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });

  it('fails a signature fewer than T nodes bound alike, saying why nodes could not bind it', () => {
    const answers = [1, 2, 3].map((n) => answer(n, { signatures: signed(n) }));
    answers.push(answer(4, { signatureErrors: { sig1: 'presignature ps:1 is already bound to another message' } }));
    const [planned] = agreeOnSignatures(answers, T);
    expect(planned && 'error' in planned).toBe(true);
    if (!planned || !('error' in planned)) return;
    expect(planned.nodesRefused).toBe(true);
    expect(planned.error.message).toMatch(
      /signature "sig1": only 3 nodes agreed on what to sign, 4 are needed \(node 4: /,
    );
    // What the binders bound, so that another presignature can be bound to it after the run.
    expect(planned.target).toEqual({ id: 'ps:1', toSign: DIGEST, publicKey: KEY });
    expect(planned.agreeing.map((a) => a.node.index)).toEqual([1, 2, 3]);
  });

  it('does not let a signature only some nodes could not bind vanish from the result', () => {
    const answers = [1, 2, 3, 4].map((n) => answer(n, { signatureErrors: { sig2: 'no presignature' } }));
    const planned = agreeOnSignatures(answers, T);
    expect(planned.map((p) => [p.name, 'error' in p])).toEqual([['sig2', true]]);
  });

  it('keeps the signatures in the order the nodes named them', () => {
    const both = (n: number) => ({
      ...signed(n),
      sig0: { ...signed(n, 'ps:2').sig1 },
    });
    const planned = agreeOnSignatures(
      [1, 2, 3, 4].map((n) => answer(n, { signatures: both(n) })),
      T,
    );
    expect(planned.map((p) => [p.name, 'error' in p ? undefined : p.target.id])).toEqual([
      ['sig1', 'ps:1'],
      ['sig0', 'ps:2'],
    ]);
  });
});
