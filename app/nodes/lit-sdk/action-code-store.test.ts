import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cidV0 } from '../../shared/cid/index.ts';
import { ActionCodeError, ActionCodeStore } from './action-code-store.ts';

const dirs: string[] = [];
function storeDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-action-code-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function refusal(run: () => unknown): ActionCodeError {
  try {
    run();
  } catch (err) {
    if (err instanceof ActionCodeError) return err;
    throw err;
  }
  throw new Error('no refusal');
}

describe('the node’s action store (code by CID, checked)', () => {
  it('gives the code whose bytes hash to the CID, byte for byte (a BOM included)', () => {
    const dir = storeDir();
    const code = '\uFEFFLit.Actions.setResponse({ response: "héllo" });\n';
    const cid = cidV0(code);
    fs.writeFileSync(path.join(dir, `${cid}.js`), code);
    expect(new ActionCodeStore(dir).code(cid)).toBe(code);
  });

  it('refuses a CID it does not hold, saying how to add it', () => {
    const cid = cidV0('never stored');
    const err = refusal(() => new ActionCodeStore(storeDir()).code(cid));
    expect(err.kind).toBe('unknown');
    expect(err.message).toContain(`action ${cid} is not known to this node`);
    expect(err.message).toContain('litbox action add FILE');
    expect(refusal(() => new ActionCodeStore(undefined).code(cid)).kind).toBe('unknown');
  });

  it('refuses a file whose bytes hash to another CID, naming both', () => {
    const dir = storeDir();
    const cid = cidV0('the code this CID names');
    fs.writeFileSync(path.join(dir, `${cid}.js`), 'other code');
    const err = refusal(() => new ActionCodeStore(dir).code(cid));
    expect(err.kind).toBe('damaged');
    expect(err.message).toContain(`the stored action ${cid} is damaged`);
    expect(err.message).toContain(cidV0('other code'));
  });

  it('refuses bytes that are not UTF-8 text, and names that are not a CIDv0 (no path tricks)', () => {
    const dir = storeDir();
    const bytes = Buffer.from([0x66, 0xff, 0xfe, 0x0a]);
    const cid = cidV0(bytes);
    fs.writeFileSync(path.join(dir, `${cid}.js`), bytes);
    expect(refusal(() => new ActionCodeStore(dir).code(cid)).kind).toBe('damaged');
    fs.writeFileSync(path.join(dir, 'x.js'), 'x');
    expect(refusal(() => new ActionCodeStore(dir).code('../x')).message).toContain('is not an IPFS CIDv0');
  });
});
