import fs from 'node:fs';
import path from 'node:path';
import { actionFileName, cidV0, isCidV0 } from '../../shared/cid/index.ts';

/** Why an action's code could not be had by its CID. */
export class ActionCodeError extends Error {
  readonly kind: 'unknown' | 'damaged';
  constructor(kind: 'unknown' | 'damaged', message: string) {
    super(message);
    this.kind = kind;
  }
}

/** What a developer runs to make an action known to the sandbox's nodes. */
export const ADD_ACTION_HINT = 'add it with `litbox action add FILE` (it prints the CID)';

/**
 * Lit Action code by CID, for Lit's executeJs with an `ipfsId` alone. Lit's nodes fetch such
 * code from IPFS; a Litbox sandbox is offline, so each node reads the data directory's action
 * store (filled by `litbox action add`, the host's actionSave and every action run through
 * Litbox) and trusts no one for it: the bytes must hash to the CID asked for (IPFS CIDv0, as
 * `ipfs add` computes it), or the code is refused. The host can withhold code, never swap it.
 * Read on every call: a small file and one hash, so the store never serves stale code.
 */
export class ActionCodeStore {
  private readonly dir: string | undefined;

  constructor(dir: string | undefined) {
    this.dir = dir;
  }

  /** The code named by `cid`, checked against it. */
  code(cid: string): string {
    if (!isCidV0(cid)) throw new ActionCodeError('unknown', `"${cid}" is not an IPFS CIDv0 (Qm…)`);
    let bytes: Buffer;
    try {
      if (!this.dir) throw Object.assign(new Error('no action store'), { code: 'ENOENT' });
      bytes = fs.readFileSync(path.join(this.dir, actionFileName(cid)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new ActionCodeError(
        'unknown',
        `action ${cid} is not known to this node (Litbox has no IPFS); ${ADD_ACTION_HINT}`,
      );
    }
    const actual = cidV0(bytes);
    if (actual !== cid)
      throw new ActionCodeError(
        'damaged',
        `the stored action ${cid} is damaged: its bytes hash to ${actual}; add the action again with \`litbox action add FILE\``,
      );
    try {
      // Lit's code is UTF-8 text; bytes that are not would not be the code the CID names once decoded.
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new ActionCodeError('damaged', `the stored action ${cid} is not UTF-8 text`);
    }
  }
}
