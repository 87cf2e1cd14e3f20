import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ethers } from 'ethers';
import type { Figure } from './report.ts';

/**
 * Lit's own v8 SDK, unchanged (the compat/lit-sdk workspace), against the sandbox: how long it
 * takes to load, to connect (`createLitClient`: Staking and PriceFeed read through the chain
 * door, a handshake with every node) and to encrypt 1 KiB to the network key the handshake
 * gave. It runs in a process of its own, as a dapp would: the SDK's modules and its fetch
 * override (compat/lit-sdk/offline-blockhash.mjs) stay out of the bench's process.
 */

const WORKSPACE = fileURLToPath(new URL('../compat/lit-sdk/', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const RESULT_MARK = 'litbox-result: ';

/** Why the SDK cannot be measured here, or undefined when it can. */
export function litSdkMissing(): string | undefined {
  return fs.existsSync(path.join(WORKSPACE, 'node_modules', '@lit-protocol', 'lit-client', 'package.json'))
    ? undefined
    : 'compat/lit-sdk is not installed (npm run compat:lit-sdk:install)';
}

interface SdkTimes {
  loadMs: number;
  connectMs: number[];
  connectedNodes: number;
  encryptMs: number[];
}

/** Runs the SDK in a child process against a running host; rows for the bench's table. */
export async function measureLitSdk(options: {
  networkContextPath: string;
  rpcUrl: string;
  connects?: number;
  encrypts?: number;
}): Promise<Omit<Figure, 'part'>[]> {
  const connects = options.connects ?? 3;
  const encrypts = options.encrypts ?? 40;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [THIS_FILE, options.networkContextPath, options.rpcUrl, String(connects), String(encrypts)],
    { cwd: WORKSPACE, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Lit SDK did not finish in 180 s: ${out.slice(-500)}`));
    }, 180_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  const wholeMs = performance.now() - started;
  const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (code !== 0 || !line) throw new Error(`the Lit SDK run failed (exit ${code}): ${out.slice(-500)}`);
  const t = JSON.parse(line.slice(RESULT_MARK.length)) as SdkTimes;
  const later = t.connectMs.slice(1);
  return [
    { name: 'load the SDK (require lit-client + networks)', value: t.loadMs, unit: 'ms' },
    {
      name: 'connect, first (createLitClient)',
      value: t.connectMs[0] ?? NaN,
      unit: 'ms',
      detail: `handshake with ${t.connectedNodes} nodes`,
    },
    {
      name: `connect, again (median of ${later.length})`,
      value: median(later),
      unit: 'ms',
      detail: `runs ${later.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    },
    {
      name: 'encrypt 1 KiB p50',
      value: percentile(t.encryptMs, 50),
      unit: 'ms',
      detail: `p95 ${percentile(t.encryptMs, 95).toFixed(1)} ms, ${t.encryptMs.length} runs; Litbox's own: "encrypt p50" in the decryption part`,
    },
    {
      name: 'whole process: start, load, connect and encrypt',
      value: wholeMs,
      unit: 'ms',
      detail: `${connects} connects, ${encrypts} encrypts`,
    },
  ];
}

interface SigningCheck {
  signatures: { message: string; ms: number; signature: string; recoveryId: number }[];
  executions: { toSign: string; ms: number; signature: string; recoveryId: number }[];
}

/** The address a Lit SDK signature (64-byte hex r ‖ s and a recovery id) recovers to. */
function recovered(digest: string, signature: string, recoveryId: number): string {
  const sig = signature.replace(/^0x/, '');
  return ethers.recoverAddress(digest, {
    r: `0x${sig.slice(0, 64)}`,
    s: `0x${sig.slice(64, 128)}`,
    v: 27 + recoveryId,
  });
}

/**
 * Lit's SDK signing with a PKP, as a dapp does (compat/lit-sdk/pkp-sign-check.mjs: an EOA auth
 * context, then `pkpSign` and `executeJs` with `Lit.Actions.signEcdsa`, one call at a time).
 * Every signature must recover to the PKP's address, or the part fails.
 */
export async function measureLitSdkSigning(options: {
  networkContextPath: string;
  rpcUrl: string;
  pkp: { publicKey: string; ethAddress: string };
  /** A PKP the wallet may not use (the check also takes the SDK's refusal). */
  otherPkpPublicKey: string;
  /** The wallet permitted on `pkp`; given to the child in its environment, never in argv. */
  walletKey: string;
  calls?: number;
}): Promise<Omit<Figure, 'part'>[]> {
  const calls = options.calls ?? 40;
  const child = spawn(
    process.execPath,
    [
      'pkp-sign-check.mjs',
      options.networkContextPath,
      options.rpcUrl,
      options.pkp.publicKey,
      options.otherPkpPublicKey,
      String(calls),
    ],
    { cwd: WORKSPACE, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LITBOX_EOA_KEY: options.walletKey } },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Lit SDK signing run did not finish in 300 s: ${out.slice(-500)}`));
    }, 300_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (code !== 0 || !line) {
    // The part's line shows the child's error (the SDK's message, not the end of its stack); the
    // whole account goes to the log. A run at the end of a full bench once failed, and its last
    // 500 characters named only a stack frame.
    process.stderr.write(out);
    const lines = out.split('\n').map((l) => l.trim());
    const reason = lines.find((l) => /\w*Error\b/.test(l) && !l.startsWith('at ')) ?? lines.filter(Boolean).at(-1);
    throw new Error(`the Lit SDK signing run failed (exit ${code}): ${(reason ?? '').slice(0, 500)}`);
  }
  const check = JSON.parse(line.slice(RESULT_MARK.length)) as SigningCheck;
  for (const s of check.signatures)
    if (recovered(ethers.keccak256(`0x${s.message}`), s.signature, s.recoveryId) !== options.pkp.ethAddress)
      throw new Error('a signature the Lit SDK returned does not recover to the PKP address');
  for (const e of check.executions)
    if (recovered(`0x${e.toSign}`, e.signature, e.recoveryId) !== options.pkp.ethAddress)
      throw new Error('an executeJs signature the Lit SDK returned does not recover to the PKP address');
  const signMs = check.signatures.map((s) => s.ms);
  const executeMs = check.executions.map((e) => e.ms);
  return [
    {
      name: 'SDK pkpSign p50',
      value: percentile(signMs, 50),
      unit: 'ms',
      target: '≤ 25',
      detail: `p95 ${percentile(signMs, 95).toFixed(1)} ms, ${signMs.length} calls, one at a time`,
    },
    {
      name: 'SDK executeJs + signEcdsa p50',
      value: percentile(executeMs, 50),
      unit: 'ms',
      target: '≤ 40',
      detail: `p95 ${percentile(executeMs, 95).toFixed(1)} ms, ${executeMs.length} calls`,
    },
  ];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const median = (values: number[]) => percentile(values, 50);

/** The few parts of the SDK's surface used here (the SDK's own types live in its workspace). */
interface LitClient {
  getContext(): Promise<{ handshakeResult: { connectedNodes: Set<string> | string[] } }>;
  encrypt(params: {
    dataToEncrypt: string;
    unifiedAccessControlConditions: object[];
    chain: string;
  }): Promise<{ ciphertext: string }>;
  disconnect(): Promise<void> | void;
}
interface LitSdk {
  createLitClient(options: { network: unknown }): Promise<LitClient>;
  nagaLocal: {
    withLocalContext(options: { networkContextPath: string; networkName: string; rpcUrlOverride: string }): unknown;
  };
}

/** The child: `node bench/lit-sdk-timing.ts <naga context> <rpc url> <connects> <encrypts>`. */
async function runInChild(args: string[]): Promise<void> {
  const [networkContextPath, rpcUrl, connectsArg, encryptsArg] = args;
  if (!networkContextPath || !rpcUrl) throw new Error('usage: lit-sdk-timing.ts <naga context> <rpc url>');
  const requireFromWorkspace = createRequire(path.join(WORKSPACE, 'package.json'));
  const loadStarted = performance.now();
  const sdk: LitSdk = {
    ...(requireFromWorkspace('@lit-protocol/lit-client') as Pick<LitSdk, 'createLitClient'>),
    ...(requireFromWorkspace('@lit-protocol/networks') as Pick<LitSdk, 'nagaLocal'>),
  };
  const loadMs = performance.now() - loadStarted;
  const { answerLitBlockIndexerFrom } = (await import(
    pathToFileURL(path.join(WORKSPACE, 'offline-blockhash.mjs')).href
  )) as { answerLitBlockIndexerFrom: (rpcUrl: string) => () => void };
  answerLitBlockIndexerFrom(rpcUrl);
  const network = () =>
    sdk.nagaLocal.withLocalContext({ networkContextPath, networkName: 'naga-local', rpcUrlOverride: rpcUrl });

  const connectMs: number[] = [];
  let client: LitClient | undefined;
  for (let i = 0; i < Number(connectsArg ?? 3); i++) {
    await client?.disconnect();
    const t = performance.now();
    client = await sdk.createLitClient({ network: network() });
    connectMs.push(performance.now() - t);
  }
  if (!client) throw new Error('no connect was asked for');
  const connected = client;
  const connectedNodes = [...(await connected.getContext()).handshakeResult.connectedNodes].length;
  const encrypt = () =>
    connected.encrypt({
      dataToEncrypt: 'x'.repeat(1024),
      unifiedAccessControlConditions: [
        {
          conditionType: 'evmBasic',
          contractAddress: '',
          standardContractType: '',
          chain: 'ethereum',
          method: 'eth_getBalance',
          parameters: [':userAddress', 'latest'],
          returnValueTest: { comparator: '>=', value: '0' },
        },
      ],
      chain: 'ethereum',
    });
  for (let i = 0; i < 3; i++) await encrypt();
  const encryptMs: number[] = [];
  for (let i = 0; i < Number(encryptsArg ?? 40); i++) {
    const t = performance.now();
    await encrypt();
    encryptMs.push(performance.now() - t);
  }
  await connected.disconnect();
  const times: SdkTimes = { loadMs, connectMs, connectedNodes, encryptMs };
  console.log(`${RESULT_MARK}${JSON.stringify(times)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === THIS_FILE) {
  await runInChild(process.argv.slice(2));
  // The SDK's chain watchers keep timers; the run is done.
  process.exit(0);
}
