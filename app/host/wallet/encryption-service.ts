import { decodeBase64, encodeBase64 } from 'ethers';
import type { ApiInput, ApiOutput } from '../../shared/api/contract.ts';
import { encryptWithConditions, type EncryptedData } from '../../shared/encryption/access-control-encryption.ts';
import { parseConditions, type ConditionList } from '../../shared/conditions/access-control-conditions.ts';
import { uncheckableConditionFields } from '../../shared/conditions/checkable-conditions.ts';
import type { LitClient } from '../lit-client/lit-client.ts';
import type { PkpAuth } from './pkp-signer.ts';

/** Bad input to encryption (conditions, data): the message says what to fix, `fields` which field. */
export class EncryptionInputError extends Error {
  readonly fields: Record<string, string> | undefined;
  constructor(message: string, fields?: Record<string, string>) {
    super(message);
    this.fields = fields;
  }
}

/**
 * Access-controlled encryption for the wallet: encrypting needs only the network's public
 * key (here, no node is asked); decrypting asks every node for a share through the Lit client.
 */
export class EncryptionService {
  private readonly lit: LitClient;
  private readonly networkPublicKey: () => string | null;

  constructor(lit: LitClient, networkPublicKey: () => string | null) {
    this.lit = lit;
    this.networkPublicKey = networkPublicKey;
  }

  async encrypt(input: ApiInput<'encrypt'>): Promise<EncryptedData> {
    const key = this.networkPublicKey();
    if (!key) throw new EncryptionInputError('the network key is not made yet (the network is still starting)');
    let conditions: ConditionList;
    try {
      conditions = parseConditions(input.conditions);
    } catch (err) {
      throw new EncryptionInputError((err as Error).message, { conditions: (err as Error).message });
    }
    // Data under a condition no node can evaluate could never be opened: refuse it now.
    const uncheckable = uncheckableConditionFields(conditions);
    if (Object.keys(uncheckable).length)
      throw new EncryptionInputError(
        `the nodes cannot check these conditions: ${Object.entries(uncheckable)
          .map(([field, message]) => `${field}: ${message}`)
          .join('; ')}`,
        uncheckable,
      );
    const data = input.text !== undefined ? new TextEncoder().encode(input.text) : decodeBase64(input.dataBase64 ?? '');
    try {
      return await encryptWithConditions({
        networkPublicKey: key,
        conditions: input.conditions,
        data,
        ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
      });
    } catch (err) {
      throw new EncryptionInputError((err as Error).message);
    }
  }

  async decrypt(encrypted: EncryptedData, auth: PkpAuth, pkpPublicKey?: string): Promise<ApiOutput<'decrypt'>> {
    const result = await this.lit.decrypt({
      encrypted,
      ...auth,
      ...(pkpPublicKey ? { pkpPublicKey: pkpPublicKey.startsWith('0x') ? pkpPublicKey : `0x${pkpPublicKey}` } : {}),
    });
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(result.plaintext);
    } catch {
      text = undefined; // binary data: only base64
    }
    return {
      ...(text !== undefined ? { text } : {}),
      dataBase64: encodeBase64(result.plaintext),
      ...(encrypted.fileName !== undefined ? { fileName: encrypted.fileName } : {}),
      nodes: result.nodes,
      userAddress: result.userAddress,
      nodeMs: Object.fromEntries(Object.entries(result.nodeMs).map(([k, v]) => [k, v])),
      combineMs: result.combineMs,
    };
  }
}
