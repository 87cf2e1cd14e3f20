import { ethers } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { NodeRouteRequest, NodeRouteResponse } from '../../shared/node-protocol.ts';
import { ActionFailedError, NotEnoughNodesError } from './errors.ts';
import { executeJs } from './execute-js.ts';
import { NodeCallError } from './node-request.ts';
import { fakeNetwork, signingNodes } from '../../../testing/lit-client/signing-nodes.ts';

// executeJs's quorum and rerun decisions over a fake transport: each node's run is scripted,
// the signatures' shares are real (signing-nodes.fixture.ts) and ethers judges them.
// N = 5, T = 4.

const net = signingNodes(5, 24);
const address = ethers.computeAddress(net.publicKey);
const held = (...ids: number[]) => ids.map((k) => ({ id: `ps:${k}`, holders: [...net.indices] }));
const digestFor = (name: string) => ethers.keccak256(ethers.toUtf8Bytes(name));
type Run = NodeRouteRequest<'execute'>;
type Answer = NodeRouteResponse<'execute'>;

/** Node j's answer to a run that signs `names` with the presignatures offered, in order. */
function signs(j: number, body: Run, names: string[], over: Partial<Answer> = {}, publicKey = net.publicKey): Answer {
  const signatures: Answer['signatures'] = {};
  names.forEach((name, i) => {
    signatures[name] = {
      presignatureId: body.presignatureIds[i]!,
      toSign: digestFor(name),
      publicKey,
      binding: { node: j, tags: {} },
    };
  });
  return { node: j, ipfsId: 'QmAction', response: '"ok"', logs: '', signatures, ...over };
}

const down = (j: number) => new NodeCallError(j, 0, 'unreachable', 'closed the connection');

describe('executeJs over the nodes', () => {
  it('takes what T nodes agree on, combines the signature from their shares and gives back unused presignatures', async () => {
    const { nodes, presignatures, network, combined } = fakeNetwork(net, held(0, 1, 2));
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => signs(j, body, ['sig1'], j === 5 ? { response: '"odd"' } : {}));
    const result = await executeJs(network, { code: 'sign' });
    expect(result.response).toBe('"ok"');
    expect(result.nodes.map((n) => n.response)).toContain('"odd"');
    const sig = result.signatures['sig1']!;
    expect(ethers.recoverAddress(digestFor('sig1'), sig.signature)).toBe(address);
    expect(presignatures.taken).toEqual(['ps:0', 'ps:1']);
    expect((await presignatures.take())?.id).toBe('ps:1'); // the unused one went back, first
    expect(combined).toMatchObject([{ kind: 'executeJs', nodes: sig.nodes }]);
  });

  it('runs again when nodes dropped out mid-run, then succeeds with T', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2, 3, 4));
    let runs = 0;
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === 1) runs++;
        return runs === 1 && (j === 2 || j === 3) ? down(j) : signs(j, body, []);
      });
    const result = await executeJs(network, { code: 'no signatures' });
    expect(runs).toBe(2);
    expect(result.nodes).toHaveLength(5);
  });

  it('never runs again an action that reached outside the nodes, even when nodes dropped out', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2, 3));
    let runs = 0;
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === 1) runs++;
        return j === 2 || j === 3 ? down(j) : signs(j, body, [], { effects: ['fetch'] });
      });
    await expect(executeJs(network, { code: 'fetches' })).rejects.toThrow(NotEnoughNodesError);
    expect(runs).toBe(1);
  });

  it('runs again with as many presignatures as the action signs when it signed more than were offered', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2, 3, 4, 5));
    const offers: number[] = [];
    const names = ['a', 'b', 'c'];
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === 1) offers.push(body.presignatureIds.length);
        if (body.presignatureIds.length >= names.length) return signs(j, body, names);
        const message = `the action made 3 signatures; the request offered ${body.presignatureIds.length} presignatures`;
        return signs(j, body, [], { error: { kind: 'limit', message }, response: undefined });
      });
    const result = await executeJs(network, { code: 'signs thrice' });
    expect(offers).toEqual([2, 3]);
    for (const name of names)
      expect(ethers.recoverAddress(digestFor(name), result.signatures[name]!.signature)).toBe(address);
  });

  it('does not run again an action that failed by itself on T nodes', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2, 3));
    let runs = 0;
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === 1) runs++;
        return signs(j, body, [], { error: { kind: 'error', message: 'boom' }, response: undefined, logs: 'x\n' });
      });
    const err = await executeJs(network, { code: 'throws' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionFailedError);
    expect((err as ActionFailedError).logs).toBe('x\n');
    expect(runs).toBe(1);
  });

  it("binds another presignature among the nodes that ran when too few could bind the run's, without running it again", async () => {
    const { nodes, presignatures, network } = fakeNetwork(net, held(0, 1, 2));
    let runs = 0;
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === 1) runs++;
        // Nodes 4 and 5 lost the offered presignature (say, a batch made while they were down).
        return j <= 3
          ? signs(j, body, ['sig1'])
          : signs(j, body, [], {
              signatureErrors: { sig1: `this node has no presignature ${body.presignatureIds[0]}` },
            });
      });
    // Node 5 restarted since its run: it no longer knows what the run asked to sign.
    nodes.onRebind.set(5, { fail: [404, 'unknown_run'] });
    const result = await executeJs(network, { code: 'sign' });
    expect(runs).toBe(1);
    expect(ethers.recoverAddress(digestFor('sig1'), result.signatures['sig1']!.signature)).toBe(address);
    expect(presignatures.taken).toEqual(['ps:0', 'ps:1', 'ps:1']); // ps:1 was offered, given back, then rebound
    expect(nodes.calls.filter((c) => c.startsWith('rebind')).sort()).toEqual([1, 2, 3, 4, 5].map((j) => `rebind ${j}`));
  });

  it('binds another presignature when a binder cannot give its share, without running again', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2));
    let runs = 0;
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === 1) runs++;
        return j <= 4 ? signs(j, body, ['sig1']) : signs(j, body, [], { signatureErrors: { sig1: 'no presignature' } });
      });
    // Exactly T bound ps:0; node 1 goes down before its share is released.
    nodes.onRelease.set(1, { fail: [0, 'unreachable'] });
    const result = await executeJs(network, { code: 'sign' });
    expect(runs).toBe(1);
    expect(ethers.recoverAddress(digestFor('sig1'), result.signatures['sig1']!.signature)).toBe(address);
    expect(result.signatures['sig1']!.nodes).not.toContain(1);
  });

  it('rebinds also at a node that was too slow to count in the run, when a binder goes down', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2));
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) =>
        // Node 5 finishes its run well after the other four, past the time the client waits.
        j === 5
          ? new Promise((resolve) => setTimeout(() => resolve(signs(j, body, ['sig1'])), 400))
          : signs(j, body, ['sig1']),
      );
    // Exactly T (1–4) counted; node 1 then goes down, before its share and for the rebind.
    nodes.onRelease.set(1, { fail: [0, 'unreachable'] });
    nodes.onRebind.set(1, { fail: [0, 'unreachable'] });
    const result = await executeJs(network, { code: 'sign' });
    expect(ethers.recoverAddress(digestFor('sig1'), result.signatures['sig1']!.signature)).toBe(address);
    expect(result.signatures['sig1']!.nodes).toContain(5);
    expect(nodes.calls).toContain('rebind 5');
  });

  it('runs the action again among the nodes up instead of waiting for a binder that went down', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2, 3));
    let runs = 0;
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === 1) runs++;
        // First run: node 5 is still starting, 1–4 bind (exactly T). Node 1 then goes down,
        // so no other presignature can be bound among the nodes that ran; node 5 is up now.
        if (j === 5 && runs === 1) return new NodeCallError(5, 503, 'not_ready', 'still starting');
        if (j === 1 && runs > 1) return down(1);
        return signs(j, body, ['sig1']);
      });
    nodes.onRelease.set(1, { fail: [0, 'unreachable'] });
    nodes.onRebind.set(1, { fail: [0, 'unreachable'] });
    nodes.down.add(1);
    const result = await executeJs(network, { code: 'sign' });
    expect(runs).toBe(2);
    expect(ethers.recoverAddress(digestFor('sig1'), result.signatures['sig1']!.signature)).toBe(address);
    expect(result.signatures['sig1']!.nodes).toEqual([2, 3, 4, 5]);
    // Asked once with the others and once more before giving up, not every 250 ms for a second.
    expect(nodes.calls.filter((c) => c === 'release 1').length).toBeLessThanOrEqual(2);
  });

  it('does not rebind at a node whose run call failed (it was still starting)', async () => {
    const { nodes, network } = fakeNetwork(net, held(0, 1, 2));
    for (const j of net.indices)
      nodes.onExecute.set(j, (body) =>
        j === 5
          ? new NodeCallError(5, 503, 'not_ready', 'this node has not joined the network yet')
          : signs(j, body, ['sig1']),
      );
    // Exactly T (1–4) bound; node 1's share and its rebind fail once, then it answers again.
    nodes.onRelease.set(1, { fail: [0, 'unreachable'], times: 1 });
    nodes.onRebind.set(1, { fail: [0, 'unreachable'], times: 1 });
    const result = await executeJs(network, { code: 'sign' });
    expect(ethers.recoverAddress(digestFor('sig1'), result.signatures['sig1']!.signature)).toBe(address);
    expect(nodes.calls).not.toContain('rebind 5');
  });

  it('runs the action at T + 1 nodes (N = 7), leaving out the busiest, signs with their shares and retires the copy left out', async () => {
    const net7 = signingNodes(7, 4);
    const { nodes, network } = fakeNetwork(
      net7,
      [0, 1, 2, 3].map((k) => ({ id: `ps:${k}`, holders: [...net7.indices] })),
    );
    const ran: number[][] = [];
    for (const j of net7.indices)
      nodes.onExecute.set(j, (body) => {
        if (j === body.participants[0]) ran.push(body.participants);
        return signs(j, body, ['sig1'], {}, net7.publicKey);
      });
    nodes.unanswered.set(3, 5);
    const result = await executeJs(network, { code: 'sign' });
    expect(ran).toEqual([[1, 2, 4, 5, 6, 7]]);
    expect(nodes.calls.filter((c) => c.startsWith('execute')).sort()).toEqual(
      ['execute 1', 'execute 2', 'execute 4', 'execute 5', 'execute 6', 'execute 7'].sort(),
    );
    expect(result.nodes).toHaveLength(6);
    const sig = result.signatures['sig1']!;
    expect(ethers.recoverAddress(digestFor('sig1'), sig.signature)).toBe(ethers.computeAddress(net7.publicKey));
    // The node left out holds the used presignature too: it is told to retire it (never the unused one).
    expect([...nodes.retired]).toEqual([[3, ['ps:0']]]);
  });
});
