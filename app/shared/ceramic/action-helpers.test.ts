import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { CERAMIC_ACTION_HELPERS } from './action-helpers.ts';
import { SOCIAL_ACTIONS } from './social-actions.ts';

interface Helpers {
  sha256(data: Uint8Array): Uint8Array;
  base64url(data: Uint8Array): string;
  base32(data: Uint8Array): string;
  encode(value: unknown): Uint8Array;
  Link: { parse(text: string): { bytes: Uint8Array; toString(): string } };
  prepareUpdate(
    stream: { streamId: string; controller: string; genesis: string; tip: string },
    patch: unknown[],
    did: string,
  ): { commit: { protected: string; payload: string; link: string; linkedBlock: string }; toSign: number[] };
}

// The helpers as an action sees them: the same text, evaluated without any import.
const Ceramic = new Function(`${CERAMIC_ACTION_HELPERS}\nreturn Ceramic;`)() as Helpers;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('the Ceramic helpers actions run', () => {
  it('SHA-256 matches @noble/hashes for any input, across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(hex(Ceramic.sha256(data))).toBe(hex(sha256(data)));
      }),
    );
  });

  it('base64url matches Node; base32 round-trips a CID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (data) => {
        expect(Ceramic.base64url(data)).toBe(Buffer.from(data).toString('base64url'));
      }),
    );
    const cid = 'bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuygzgaxu';
    expect(Ceramic.Link.parse(cid).toString()).toBe(cid);
    expect(Ceramic.Link.parse(cid).bytes.slice(0, 4)).toEqual(Uint8Array.from([0x01, 0x71, 0x12, 0x20]));
  });

  it('encodes canonical dag-cbor: shortest heads, keys by length then bytes, CIDs as tag 42', () => {
    expect(hex(Ceramic.encode({ bb: 1, a: -1, c: 'x' }))).toBe(
      'a3' + '6161' + '20' + '6163' + '6178' + '626262' + '01',
    );
    expect(hex(Ceramic.encode([24, 255, 256, 65536, null, true, false]))).toBe(
      '87' + '1818' + '18ff' + '190100' + '1a00010000' + 'f6' + 'f5' + 'f4',
    );
    const link = Ceramic.Link.parse('bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuygzgaxu');
    expect(hex(Ceramic.encode(link))).toBe('d82a' + '5825' + '00' + hex(link.bytes));
    expect(() => Ceramic.encode(1.5)).toThrow(/whole numbers/);
    expect(() => Ceramic.encode({ a: () => 1 })).toThrow(/cannot encode/);
  });

  it('prepares an update whose digest is SHA-256 of the JWS signing input, and refuses a stream of another controller', () => {
    const did = 'did:pkh:eip155:31337:0x1111111111111111111111111111111111111111';
    const stream = {
      streamId: 'kjzl-test',
      controller: did,
      genesis: 'bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuygzgaxu',
      tip: 'bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuygzgaxu',
    };
    const { commit, toSign } = Ceramic.prepareUpdate(stream, [{ op: 'add', path: '/a', value: 1 }], did);
    expect(hex(Uint8Array.from(toSign))).toBe(hex(sha256(Buffer.from(`${commit.protected}.${commit.payload}`))));
    expect(JSON.parse(Buffer.from(commit.protected, 'base64url').toString())).toEqual({
      alg: 'ES256K-R',
      kid: `${did}#blockchainAccountId`,
    });
    const block = Buffer.from(commit.linkedBlock, 'base64url');
    expect(Buffer.from(commit.payload, 'base64url').subarray(4)).toEqual(Buffer.from(sha256(block)));
    expect(() => Ceramic.prepareUpdate({ ...stream, controller: 'did:pkh:eip155:1:0x2' }, [], did)).toThrow(
      /controlled by/,
    );
  });

  it('each social action is one self-contained script that compiles', () => {
    for (const code of Object.values(SOCIAL_ACTIONS)) {
      expect(code.startsWith('const Ceramic')).toBe(true);
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (body: string) => unknown;
      expect(() => new AsyncFunction(code)).not.toThrow();
    }
  });
});
