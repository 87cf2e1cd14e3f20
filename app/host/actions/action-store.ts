import fs from 'node:fs';
import path from 'node:path';
import { actionFileName, cidV0, isCidV0 } from '../../shared/cid/index.ts';

/**
 * The host's content-addressed store of Lit Action code: one file per CIDv0, as `ipfs add`
 * would address it. The nodes read it too, for Lit's executeJs by `ipfsId` alone, each checking
 * the bytes against the CID itself (app/nodes/lit-sdk/action-code-store.ts). Code is immutable: a CID always names the same bytes. Writes are atomic
 * and fsynced, so a crash never leaves half an action.
 */
export class ActionStore {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
  }

  save(code: string): string {
    const cid = cidV0(code);
    const file = path.join(this.dir, actionFileName(cid));
    if (!fs.existsSync(file)) {
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = fs.openSync(tmp, 'w');
      fs.writeSync(fd, code);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, file);
    }
    return cid;
  }

  /** The code of a CID, checked against it; undefined when the store does not have it. */
  get(cid: string): string | undefined {
    if (!isCidV0(cid)) throw new Error(`"${cid}" is not a CIDv0 (Qm…)`);
    const file = path.join(this.dir, actionFileName(cid));
    if (!fs.existsSync(file)) return undefined;
    const code = fs.readFileSync(file, 'utf8');
    if (cidV0(code) !== cid)
      throw new Error(`the stored action ${cid} is damaged (its bytes no longer hash to its CID)`);
    return code;
  }

  list(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.slice(0, -3))
      .filter((cid) => isCidV0(cid));
  }
}
