import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ceramicWorkspaceDir, findCeramicWorkspace } from './ceramic-workspace.ts';

const saved = process.env.LITBOX_CERAMIC_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.LITBOX_CERAMIC_DIR;
  else process.env.LITBOX_CERAMIC_DIR = saved;
});

describe('the Ceramic workspace', () => {
  it('is compat/ceramic of the repository by default', () => {
    delete process.env.LITBOX_CERAMIC_DIR;
    expect(path.relative(process.cwd(), ceramicWorkspaceDir())).toBe(path.join('compat', 'ceramic'));
  });

  it('when not installed, says plainly what to run', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-no-ceramic-'));
    process.env.LITBOX_CERAMIC_DIR = empty;
    expect(() => findCeramicWorkspace()).toThrow(/not installed.*run `npm run compat:ceramic:install`/);
    fs.rmSync(empty, { recursive: true });
  });
});
