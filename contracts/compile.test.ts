import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEPLOYED_CONTRACTS, SOLC_SETTINGS, compileContracts, generateTypes } from './compile.ts';

const generatedDir = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'app',
  'shared',
  'contracts',
  'generated',
);

// solc-js takes seconds: compile once for the whole file.
let compiled: ReturnType<typeof compileContracts> | undefined;
const compileOnce = () => (compiled ??= compileContracts());

describe('contracts/compile.ts', () => {
  it('compiles offline with an explicit EVM version, and the generated TypeScript is up to date', () => {
    expect(SOLC_SETTINGS.evmVersion).toBe('cancun');
    const result = compileOnce();
    expect(result.warnings).toEqual([]);
    expect(result.contracts.map((c) => c.name)).toEqual([...DEPLOYED_CONTRACTS]);
    for (const c of result.contracts) {
      expect(c.bytecode.length).toBeGreaterThan(2);
      // EIP-170: a deployed contract is at most 24 576 bytes.
      expect((c.deployedBytecode.length - 2) / 2).toBeLessThan(24_576);
    }
    const { artifacts, types } = generateTypes(result);
    const stale = 'app/shared/contracts/generated is stale: run `npm run build:contracts`';
    expect(fs.readFileSync(path.join(generatedDir, 'artifacts.ts'), 'utf8'), stale).toBe(artifacts);
    expect(fs.readFileSync(path.join(generatedDir, 'types.ts'), 'utf8'), stale).toBe(types);
  });

  it('types every ABI function, naming overloads by signature', () => {
    const { types } = generateTypes(compileOnce());
    expect(types).toContain(
      'mintNext: BaseContractMethod<[keyType: BigNumberish], bigint, ContractTransactionResponse>;',
    );
    expect(types).toContain(
      'getPermittedAuthMethods: BaseContractMethod<[tokenId: BigNumberish], AuthMethodOutput[], AuthMethodOutput[]>;',
    );
    expect(types).toContain("'safeTransferFrom(address,address,uint256,bytes)': BaseContractMethod<");
    expect(types).toContain('PKPMinted: { tokenId: bigint; pubkey: string };');
  });
});
