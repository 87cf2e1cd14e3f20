/**
 * Compiles contracts/src with solc-js, offline, and writes the TypeScript the host and the
 * nodes import: app/shared/contracts/generated/{artifacts,types}.ts (ABIs `as const`, bytecode,
 * and typed ethers v6 contract interfaces derived from the ABIs, so they cannot drift).
 *
 *   npm run build:contracts        (node contracts/compile.ts)
 *
 * Imports of `@openzeppelin/contracts/...` are read from node_modules; nothing is downloaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The compiler settings are part of the build: change them here and nowhere else. */
export const SOLC_SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  // No IPFS/Swarm hash in the bytecode: the same sources give the same bytes on every machine.
  metadata: { bytecodeHash: 'none' },
} as const;

/**
 * The contracts we deploy, in deployment order; interfaces are compiled but not emitted. The last
 * three exist for Lit's v8 SDK, which needs them listed in its network context (docs/LIT-SDK.md).
 */
export const DEPLOYED_CONTRACTS = [
  'Staking',
  'PKPNFT',
  'PubkeyRouter',
  'PKPPermissions',
  'PKPHelper',
  'PriceFeed',
  'Ledger',
  'PaymentDelegation',
] as const;

const contractsDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(contractsDir);
const srcDir = path.join(contractsDir, 'src');
const outDir = path.join(repoRoot, 'app', 'shared', 'contracts', 'generated');

export interface AbiParam {
  name: string;
  type: string;
  internalType?: string;
  components?: AbiParam[];
  indexed?: boolean;
}

export interface AbiItem {
  type: string;
  name?: string;
  inputs?: AbiParam[];
  outputs?: AbiParam[];
  stateMutability?: string;
  anonymous?: boolean;
}

export interface CompiledContract {
  name: string;
  sourceFile: string;
  abi: AbiItem[];
  bytecode: string;
  deployedBytecode: string;
}

export interface CompileResult {
  solcVersion: string;
  contracts: CompiledContract[];
  warnings: string[];
  ms: number;
}

interface SolcMessage {
  severity: 'error' | 'warning' | 'info';
  formattedMessage: string;
}

interface SolcOutput {
  errors?: SolcMessage[];
  contracts?: Record<
    string,
    Record<string, { abi: AbiItem[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >;
}

interface Solc {
  version(): string;
  compile(input: string, callbacks: { import: (p: string) => { contents: string } | { error: string } }): string;
}

function listSolFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listSolFiles(path.join(dir, e.name)) : e.name.endsWith('.sol') ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

/** Resolves `@openzeppelin/contracts/...` (and any other package path) from node_modules. */
function readImport(importPath: string): { contents: string } | { error: string } {
  const normalized = importPath.replace(/\\/g, '/');
  try {
    if (normalized.startsWith('src/')) {
      return { contents: fs.readFileSync(path.join(contractsDir, normalized), 'utf8') };
    }
    const match = /^(@[^/]+\/[^/]+|[^@/][^/]*)\/(.+)$/.exec(normalized);
    if (!match) return { error: `cannot resolve import "${importPath}"` };
    const [, pkg, rest] = match as unknown as [string, string, string];
    const pkgDir = path.dirname(require.resolve(`${pkg}/package.json`));
    return { contents: fs.readFileSync(path.join(pkgDir, rest), 'utf8') };
  } catch (err) {
    return { error: `cannot read import "${importPath}": ${(err as Error).message}` };
  }
}

/** Compiles every source in contracts/src; throws with solc's messages on any error. */
export function compileContracts(): CompileResult {
  const started = performance.now();
  const solc = require('solc') as Solc;
  const sources: Record<string, { content: string }> = {};
  for (const file of listSolFiles(srcDir)) {
    const key = path.relative(contractsDir, file).split(path.sep).join('/');
    sources[key] = { content: fs.readFileSync(file, 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      ...SOLC_SETTINGS,
      outputSelection: {
        '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
      },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport })) as SolcOutput;
  const messages = output.errors ?? [];
  const errors = messages.filter((m) => m.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const contracts: CompiledContract[] = [];
  for (const name of DEPLOYED_CONTRACTS) {
    const sourceFile = `src/${name}.sol`;
    const c = output.contracts?.[sourceFile]?.[name];
    if (!c) throw new Error(`solc produced no output for ${name} (expected in ${sourceFile})`);
    contracts.push({
      name,
      sourceFile,
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    });
  }
  return {
    solcVersion: solc.version(),
    contracts,
    warnings: messages.filter((m) => m.severity === 'warning').map((m) => m.formattedMessage),
    ms: performance.now() - started,
  };
}

/* ========== TypeScript generation ========== */

const HEADER =
  '// Generated by contracts/compile.ts from contracts/src. Do not edit; run `npm run build:contracts`.\n' +
  '/* eslint-disable */\n';

function structName(p: AbiParam): string {
  const m = /^struct (?:[A-Za-z0-9_]+\.)?([A-Za-z0-9_]+)/.exec(p.internalType ?? '');
  if (!m?.[1]) throw new Error(`tuple parameter "${p.name}" has no struct name`);
  return m[1];
}

function arrayElement(p: AbiParam): AbiParam | undefined {
  const m = /^(.*)\[\d*\]$/.exec(p.type);
  if (!m?.[1]) return undefined;
  return { ...p, type: m[1], internalType: p.internalType?.replace(/\[\d*\]$/, '') };
}

function isDynamic(type: string): boolean {
  return type === 'string' || type === 'bytes' || type.endsWith(']') || type === 'tuple';
}

class TypeWriter {
  readonly structs = new Map<string, { components: AbiParam[]; key: string }>();

  private noteStruct(p: AbiParam): string {
    const name = structName(p);
    const components = p.components ?? [];
    const key = components.map((c) => `${c.type} ${c.name}`).join(',');
    const known = this.structs.get(name);
    if (known && known.key !== key) throw new Error(`two different structs are named ${name}`);
    this.structs.set(name, { components, key });
    return name;
  }

  input(p: AbiParam): string {
    const element = arrayElement(p);
    if (element) return `${this.input(element)}[]`;
    if (p.type === 'tuple') return `${this.noteStruct(p)}Struct`;
    if (/^u?int\d*$/.test(p.type)) return 'BigNumberish';
    if (p.type === 'address') return 'AddressLike';
    if (p.type === 'bool') return 'boolean';
    if (p.type === 'string') return 'string';
    if (/^bytes\d*$/.test(p.type)) return 'BytesLike';
    throw new Error(`unsupported ABI type ${p.type}`);
  }

  output(p: AbiParam): string {
    const element = arrayElement(p);
    if (element) return `${this.output(element)}[]`;
    if (p.type === 'tuple') return `${this.noteStruct(p)}Output`;
    if (/^u?int\d*$/.test(p.type)) return 'bigint';
    if (p.type === 'bool') return 'boolean';
    if (p.type === 'address' || p.type === 'string' || /^bytes\d*$/.test(p.type)) return 'string';
    throw new Error(`unsupported ABI type ${p.type}`);
  }

  args(params: AbiParam[]): string {
    return `[${params.map((p, i) => `${p.name || `arg${i}`}: ${this.input(p)}`).join(', ')}]`;
  }

  outputs(params: AbiParam[]): string {
    if (params.length === 0) return 'void';
    if (params.length === 1) return this.output(params[0] as AbiParam);
    return this.resultType(params);
  }

  /** ethers' Result: positional and, where named, by name. */
  resultType(params: AbiParam[]): string {
    const labels = params.map((p, i) => p.name || `arg${i}`);
    const tuple = `[${params.map((p, i) => `${labels[i]}: ${this.output(p)}`).join(', ')}]`;
    const named = params.filter((p) => p.name);
    if (named.length === 0) return tuple;
    return `${tuple} & { ${named.map((p) => `${p.name}: ${this.output(p)}`).join('; ')} }`;
  }

  structDeclarations(): string {
    const out: string[] = [];
    // Struct members can be structs: emit until no new struct appears.
    const done = new Set<string>();
    for (;;) {
      const pending = [...this.structs.entries()].filter(([name]) => !done.has(name));
      if (pending.length === 0) break;
      for (const [name, { components }] of pending) {
        done.add(name);
        const fields = components.map((c) => `  ${c.name}: ${this.input(c)};`).join('\n');
        out.push(`export interface ${name}Struct {\n${fields}\n}`);
        out.push(`export type ${name}Output = ${this.resultType(components)};`);
      }
    }
    return out.join('\n\n');
  }
}

function signature(item: AbiItem): string {
  const encode = (p: AbiParam): string => {
    const element = arrayElement(p);
    if (element) return `${encode(element)}${p.type.slice(element.type.length)}`;
    if (p.type === 'tuple') return `(${(p.components ?? []).map(encode).join(',')})`;
    return p.type;
  };
  return `${item.name}(${(item.inputs ?? []).map(encode).join(',')})`;
}

export function generateTypes(result: CompileResult): { artifacts: string; types: string } {
  const artifactLines = [HEADER];
  artifactLines.push(`export const solcVersion = ${JSON.stringify(result.solcVersion)};`);
  artifactLines.push(`export const solcSettings = ${JSON.stringify(SOLC_SETTINGS)} as const;\n`);
  for (const c of result.contracts) {
    artifactLines.push(
      `export const ${c.name}Artifact = {\n` +
        `  contractName: ${JSON.stringify(c.name)},\n` +
        `  sourceFile: ${JSON.stringify(`contracts/${c.sourceFile}`)},\n` +
        `  abi: ${JSON.stringify(c.abi, null, 2).replace(/\n/g, '\n  ')},\n` +
        `  bytecode: ${JSON.stringify(c.bytecode)},\n` +
        `  deployedBytecode: ${JSON.stringify(c.deployedBytecode)},\n` +
        `} as const;\n`,
    );
  }
  artifactLines.push(
    `export const artifacts = {\n${result.contracts.map((c) => `  ${c.name}: ${c.name}Artifact,`).join('\n')}\n} as const;\n`,
  );
  artifactLines.push(`export type ContractName = keyof typeof artifacts;\n`);
  artifactLines.push(
    `/** Deployment order: each contract's constructor needs only the ones before it. */\n` +
      `export const contractNames = ${JSON.stringify(result.contracts.map((c) => c.name))} as const satisfies readonly ContractName[];\n`,
  );

  const w = new TypeWriter();
  const bodies: string[] = [];
  for (const c of result.contracts) {
    const functions = c.abi.filter((i) => i.type === 'function');
    const counts = new Map<string, number>();
    for (const f of functions) counts.set(f.name ?? '', (counts.get(f.name ?? '') ?? 0) + 1);
    const members: string[] = [];
    for (const f of functions) {
      const view = f.stateMutability === 'view' || f.stateMutability === 'pure';
      const args = w.args(f.inputs ?? []);
      const ret = w.outputs(f.outputs ?? []);
      const type = `BaseContractMethod<${args}, ${ret}, ${view ? ret : 'ContractTransactionResponse'}>`;
      const tag = view ? f.stateMutability : f.stateMutability === 'payable' ? 'payable' : 'transaction';
      const key = (counts.get(f.name ?? '') ?? 0) > 1 ? `'${signature(f)}'` : (f.name ?? '');
      members.push(`  /** ${tag}: ${signature(f)} */\n  ${key}: ${type};`);
    }
    bodies.push(
      `/** Typed handle for ${c.name} (contracts/${c.sourceFile}). */\n` +
        `export interface ${c.name}Contract extends BaseContract {\n` +
        `  connect(runner: ContractRunner | null): ${c.name}Contract;\n` +
        `${members.join('\n')}\n}`,
    );
    const events = c.abi.filter((i) => i.type === 'event');
    const eventMembers = events.map((e) => {
      const fields = (e.inputs ?? []).map((p, i) => {
        if (p.indexed && isDynamic(p.type)) {
          throw new Error(`${c.name}.${e.name}: indexed ${p.type} parameters are not supported`);
        }
        return `${p.name || `arg${i}`}: ${w.output(p)}`;
      });
      return `  ${e.name}: { ${fields.join('; ')} };`;
    });
    bodies.push(
      `/** Event arguments of ${c.name}, by event name. */\nexport interface ${c.name}Events {\n${eventMembers.join('\n')}\n}`,
    );
  }
  const structs = w.structDeclarations();
  const types = [
    HEADER,
    `import type {\n  AddressLike,\n  BaseContract,\n  BaseContractMethod,\n  BigNumberish,\n  BytesLike,\n  ContractRunner,\n  ContractTransactionResponse,\n} from 'ethers';\n`,
    structs,
    '',
    bodies.join('\n\n'),
    '',
    `export interface ContractTypes {\n${result.contracts.map((c) => `  ${c.name}: ${c.name}Contract;`).join('\n')}\n}\n`,
    `export interface ContractEvents {\n${result.contracts.map((c) => `  ${c.name}: ${c.name}Events;`).join('\n')}\n}\n`,
  ].join('\n');
  return { artifacts: artifactLines.join('\n'), types };
}

/** Writes a file only when its content changed, so watchers and caches stay quiet. */
function writeIfChanged(file: string, content: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.writeFileSync(file, content);
}

export function buildContracts(): CompileResult {
  const result = compileContracts();
  const { artifacts, types } = generateTypes(result);
  fs.mkdirSync(outDir, { recursive: true });
  writeIfChanged(path.join(outDir, 'artifacts.ts'), artifacts);
  writeIfChanged(path.join(outDir, 'types.ts'), types);
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const result = buildContracts();
    for (const w of result.warnings) console.warn(w);
    const sizes = result.contracts.map((c) => `${c.name} ${(c.deployedBytecode.length - 2) / 2} B`).join(', ');
    console.log(
      `contracts: compiled with solc ${result.solcVersion} (evm ${SOLC_SETTINGS.evmVersion}) in ${(result.ms / 1000).toFixed(2)} s; ${sizes}`,
    );
    console.log(`contracts: wrote ${path.relative(repoRoot, outDir)}/{artifacts,types}.ts`);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
