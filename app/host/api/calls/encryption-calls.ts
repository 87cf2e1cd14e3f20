import { EncryptionService } from '../../wallet/encryption-service.ts';
import { addressOf, authFor, type CallContext, type CallTable } from './call-table.ts';

/** Encryption to the network key under access control conditions, and threshold decryption. */
export function encryptionCalls(ctx: CallContext) {
  const encryption = () => new EncryptionService(ctx.services().lit, () => ctx.supervisor.status().networkPublicKey);
  return {
    encrypt: {
      run: async (input) => encryption().encrypt(input),
      activity: {
        kind: 'encryption',
        describe: (r) => ({
          detail: `encrypted ${r.fileName ?? 'a text'} under ${r.accessControlConditions.length === 1 ? '1 condition' : `${(r.accessControlConditions.length + 1) / 2} conditions`}`,
          digest: `0x${r.dataToEncryptHash}`,
        }),
      },
    },
    decrypt: {
      run: async ({ encrypted, as, pkpPublicKey }) =>
        encryption().decrypt(encrypted, await authFor(ctx.services(), as), pkpPublicKey),
      activity: {
        kind: 'decryption',
        about: ({ pkpPublicKey }) => (pkpPublicKey ? addressOf(pkpPublicKey) : null),
        describe: (r, { encrypted }) => ({
          detail: `decrypted ${encrypted.fileName ?? 'a text'} for ${r.userAddress ?? 'the requester'} with shares of nodes ${r.nodes.join(', ')}`,
          digest: `0x${encrypted.dataToEncryptHash}`,
        }),
      },
    },
  } satisfies Partial<CallTable>;
}
