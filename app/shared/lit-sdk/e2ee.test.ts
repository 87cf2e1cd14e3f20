import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { LitEnvelope, LitEnvelopeError, openLitEnvelope, sealLitEnvelope } from './e2ee.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('Lit end-to-end envelopes', () => {
  const node = x25519.utils.randomSecretKey();
  const client = x25519.utils.randomSecretKey();
  const nodePublic = x25519.getPublicKey(node);

  it('round-trip, short and long, and name the sender', () => {
    for (const message of ['hi', 'x'.repeat(51), 'y'.repeat(5000)]) {
      const envelope = LitEnvelope.parse(sealLitEnvelope(client, nodePublic, utf8(message)));
      const opened = openLitEnvelope(node, envelope);
      expect(text(opened.plaintext)).toBe(message);
      expect(opened.senderPublicKey).toEqual(x25519.getPublicKey(client));
    }
  });

  it('answer the sender with the key agreed for the request', () => {
    const request = sealLitEnvelope(client, nodePublic, utf8('question'));
    const opened = openLitEnvelope({ secretKey: node, publicKey: nodePublic }, request);
    const answer = opened.reply(utf8('answer'));
    expect(answer.payload.verification_key).toBe(Buffer.from(nodePublic).toString('hex'));
    expect(text(openLitEnvelope(client, answer).plaintext)).toBe('answer');
    expect(() => openLitEnvelope(x25519.utils.randomSecretKey(), answer)).toThrow(LitEnvelopeError);
  });

  it('carry the 16 zero bytes from 83 bytes on, as the SDK reads them', () => {
    const short = sealLitEnvelope(client, nodePublic, utf8('x'.repeat(50))).payload.ciphertext_and_tag;
    const long = sealLitEnvelope(client, nodePublic, utf8('x'.repeat(51))).payload.ciphertext_and_tag;
    expect(short.length / 2).toBe(66);
    expect(long.length / 2).toBe(83);
    expect(long.startsWith('00'.repeat(16))).toBe(true);
  });

  it('open nothing that was changed on the way, or sealed to another key', () => {
    const envelope = sealLitEnvelope(client, nodePublic, utf8('{"ok":true}'));
    const changed = (payload: Partial<LitEnvelope['payload']>): LitEnvelope => ({
      ...envelope,
      payload: { ...envelope.payload, ...payload },
    });
    const later = new Date(Date.parse(envelope.payload.created_at) + 1000).toISOString();
    const flipped = envelope.payload.ciphertext_and_tag.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const bad of [
      changed({ created_at: later }),
      changed({ random: '00'.repeat(16) }),
      changed({ verification_key: Buffer.from(x25519.getPublicKey(x25519.utils.randomSecretKey())).toString('hex') }),
      changed({ ciphertext_and_tag: flipped }),
      changed({ ciphertext_and_tag: 'abcd' }),
      changed({ created_at: 'yesterday' }),
    ])
      expect(() => openLitEnvelope(node, bad)).toThrow(LitEnvelopeError);
    expect(() => openLitEnvelope(x25519.utils.randomSecretKey(), envelope)).toThrow(LitEnvelopeError);
    // A low-order "public key" (all zeros) is refused, not a crash.
    expect(() => openLitEnvelope(node, changed({ verification_key: '00'.repeat(32) }))).toThrow(LitEnvelopeError);
  });

  it('refuse malformed envelopes at the schema', () => {
    const envelope = sealLitEnvelope(client, nodePublic, utf8('x'));
    expect(LitEnvelope.safeParse({ ...envelope, version: '2' }).success).toBe(false);
    expect(LitEnvelope.safeParse({ ...envelope, payload: { ...envelope.payload, random: 'zz' } }).success).toBe(false);
    expect(LitEnvelope.safeParse({ payload: envelope.payload }).success).toBe(false);
  });
});
