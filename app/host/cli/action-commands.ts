import fs from 'node:fs';
import path from 'node:path';
import { ActionStore } from '../actions/action-store.ts';
import { dataPaths, defaultDataDir, ensureWritableDir } from '../data-dir.ts';
import { cidV0 } from '../../shared/cid/index.ts';
import type { ActionRunResult } from '../../shared/api/contract.ts';
import { CliError } from './cli-error.ts';
import type { CommandHandler } from './run-cli.ts';
import { connectToHost } from './status-command.ts';
import { Cid, Digest, PublicKey, SignatureHex } from '../../shared/wire-values.ts';
import { optionValue } from './cli-values.ts';

type Values = Record<string, string | boolean | undefined>;

const client = (values: Values) => connectToHost(values['data-dir'] as string | undefined);

function readCode(file: string | undefined, usage = 'litbox action run FILE (or --ipfs CID)'): string {
  if (!file) throw new CliError(`give the action file: ${usage}`, 2);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function parseParams(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new CliError('--params must be a JSON object, e.g. --params \'{"number": 7}\'', 2);
}

function print(values: Values, json: unknown, text: string): void {
  console.log(values.json ? JSON.stringify(json) : text);
}

/** `litbox action cid FILE`: the CIDv0 `ipfs add` would give the file (computed locally). */
export const actionCidCommand: CommandHandler = async (values, positionals) => {
  const code = readCode(positionals[0]);
  const ipfsId = cidV0(code);
  print(values, { ipfsId }, ipfsId);
};

/**
 * `litbox action add FILE`: puts the action into the data directory's action store and prints
 * its CID. Lit's SDK may then run it by `ipfsId` alone: each node reads the code from the store
 * and checks it hashes to the CID (Litbox has no IPFS). Needs no running host: the nodes read
 * the store on every call.
 */
export const actionAddCommand: CommandHandler = async (values, positionals) => {
  const code = readCode(positionals[0], 'litbox action add FILE');
  const dataDir = ensureWritableDir(path.resolve((values['data-dir'] as string | undefined) ?? defaultDataDir()));
  const ipfsId = new ActionStore(dataPaths(dataDir).actionsDir).save(code);
  print(values, { ipfsId }, ipfsId);
};

/** `litbox action run FILE | --ipfs CID [--params JSON]`: executeJs on every node. */
export const actionRunCommand: CommandHandler = async (values, positionals) => {
  const ipfsId = values.ipfs as string | undefined;
  if (ipfsId && positionals[0]) throw new CliError('give either a FILE or --ipfs CID, not both', 2);
  const input = ipfsId ? { ipfsId: optionValue(Cid, '--ipfs', ipfsId) } : { code: readCode(positionals[0]) };
  const jsParams = parseParams(values.params as string | undefined);
  const result: ActionRunResult = await client(values).call('actionRun', {
    ...input,
    ...(jsParams ? { jsParams } : {}),
  });
  const { nodes: _nodes, ...summary } = result;
  const lines = [`action ${result.ipfsId}`, `response ${result.response ?? '(none)'}`];
  for (const [name, sig] of Object.entries(result.signatures)) lines.push(`signature ${name}: ${sig.signature}`);
  if (result.logs) lines.push('logs:', result.logs.trimEnd());
  print(values, summary, lines.join('\n'));
};

/** `litbox action grant --pubkey HEX --ipfs CID [--scope N]`: permit an action on a PKP you own. */
export const actionGrantCommand: CommandHandler = async (values) => {
  const publicKey = values.pubkey as string | undefined;
  const ipfsId = values.ipfs as string | undefined;
  if (!publicKey || !ipfsId) throw new CliError('action grant needs --pubkey HEX and --ipfs CID', 2);
  const scope = values.scope === undefined ? 1 : Number(values.scope);
  if (scope !== 1 && scope !== 2) throw new CliError('--scope is 1 (SignAnything) or 2 (PersonalSign)', 2);
  const { transactionHash } = await client(values).call('actionGrant', {
    publicKey: optionValue(PublicKey, '--pubkey', publicKey),
    ipfsId: optionValue(Cid, '--ipfs', ipfsId),
    scope,
  });
  print(values, { transactionHash }, `granted ${ipfsId} (scope ${scope}) in ${transactionHash}`);
};

/** `litbox pkp mint-grant-burn --ipfs CID`: a PKP bound forever to one action. */
export const mintGrantBurnCommand: CommandHandler = async (values) => {
  const ipfsId = values.ipfs as string | undefined;
  if (!ipfsId) throw new CliError('pkp mint-grant-burn needs --ipfs CID', 2);
  const pkp = await client(values).call('pkpMintGrantBurn', { ipfsId: optionValue(Cid, '--ipfs', ipfsId) });
  print(
    values,
    { tokenId: pkp.tokenId, pubkey: pkp.publicKey, ethAddress: pkp.ethAddress, transactionHash: pkp.transactionHash },
    `minted, granted ${ipfsId} and burned PKP ${pkp.tokenId}\n  address    ${pkp.ethAddress}\n  public key ${pkp.publicKey}\n  tx         ${pkp.transactionHash}`,
  );
};

/** `litbox verify --pubkey HEX --code FILE --signature HEX --digest HEX`: check a Mint/Grant/Burn proof. */
export const verifyCommand: CommandHandler = async (values) => {
  const { pubkey, code, signature, digest } = values as Record<string, string | undefined>;
  if (!pubkey || !code || !signature || !digest)
    throw new CliError('verify needs --pubkey HEX --code FILE --signature HEX --digest HEX', 2);
  const verdict = await client(values).call('verifyMintGrantBurn', {
    publicKey: optionValue(PublicKey, '--pubkey', pubkey),
    code: readCode(code),
    signature: optionValue(SignatureHex, '--signature', signature, { addHexPrefix: true }),
    digest: optionValue(Digest, '--digest', digest, { addHexPrefix: true }),
  });
  print(
    values,
    verdict,
    [
      verdict.valid ? 'VALID' : 'NOT VALID',
      ...verdict.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.detail}`),
    ].join('\n'),
  );
  return verdict.valid ? 0 : 1;
};
