import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ApiCallError } from '../../shared/api/client.ts';
import { CliError } from './cli-error.ts';
/** A command; it may return an exit code (e.g. 1 for "verified: not valid"). */
export type CommandHandler = (
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
) => Promise<number | void>;

interface Command {
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Loaded only when the command runs: `status` must not pay for the host's modules. */
  load: () => Promise<CommandHandler>;
}

const dataDirOption = { 'data-dir': { type: 'string' } } as const;

const commands: Record<string, Command> = {
  up: {
    summary:
      'up [--nodes N] [--data-dir DIR] [--port P] [--allow-fetch URL-PREFIX]... [--provider-port P] [--approve-all-from NAME] [--ceramic] [--lit-local]  start the sandbox',
    options: {
      nodes: { type: 'string' },
      port: { type: 'string' },
      'provider-port': { type: 'string' },
      'approve-all-from': { type: 'string' },
      'allow-fetch': { type: 'string', multiple: true },
      'google-client-id': { type: 'string' },
      ...dataDirOption,
      'report-to-parent': { type: 'boolean' },
      'new-vault': { type: 'string' },
      ceramic: { type: 'boolean' },
      'lit-local': { type: 'boolean' },
    },
    load: async () => (await import('./up-command.ts')).upCommand,
  },
  wait: {
    summary: 'wait [--timeout S] [--data-dir DIR]         wait until every verb works; prints one JSON line',
    options: { timeout: { type: 'string' }, ...dataDirOption },
    load: async () => (await import('./wait-command.ts')).waitCommand,
  },
  status: {
    summary: 'status [--json] [--data-dir DIR]             show the running network',
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./status-command.ts')).statusCommand,
  },
  'pkp mint': {
    summary: 'pkp mint [--json]                            mint a PKP with the wallet account',
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./pkp-commands.ts')).pkpMintCommand,
  },
  'pkp list': {
    summary: "pkp list [--json]                            list the wallet account's PKPs",
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./pkp-commands.ts')).pkpListCommand,
  },
  'pkp sign': {
    summary: 'pkp sign --pubkey HEX --digest HEX32 [--json] sign a 32-byte digest with a PKP',
    options: { json: { type: 'boolean' }, pubkey: { type: 'string' }, digest: { type: 'string' }, ...dataDirOption },
    load: async () => (await import('./pkp-commands.ts')).pkpSignCommand,
  },
  'pkp send': {
    summary: 'pkp send --pubkey HEX --to ADDR --value ETH [--json]  send ETH from a PKP',
    options: {
      json: { type: 'boolean' },
      pubkey: { type: 'string' },
      to: { type: 'string' },
      value: { type: 'string' },
      ...dataDirOption,
    },
    load: async () => (await import('./pkp-commands.ts')).pkpSendCommand,
  },
  'pkp sign-message': {
    summary: 'pkp sign-message --pubkey HEX --message TEXT [--json]  EIP-191 signature',
    options: { json: { type: 'boolean' }, pubkey: { type: 'string' }, message: { type: 'string' }, ...dataDirOption },
    load: async () => (await import('./pkp-commands.ts')).pkpSignMessageCommand,
  },
  faucet: {
    summary: 'faucet --address ADDR [--amount ETH] [--json]  sandbox ETH for an address',
    options: { json: { type: 'boolean' }, address: { type: 'string' }, amount: { type: 'string' }, ...dataDirOption },
    load: async () => (await import('./pkp-commands.ts')).faucetCommand,
  },
  'pkp permit': {
    summary: 'pkp permit --pubkey HEX (--address ADDR | --ipfs CID) [--scope 1|2] [--remove]  change who may sign',
    options: {
      json: { type: 'boolean' },
      pubkey: { type: 'string' },
      address: { type: 'string' },
      ipfs: { type: 'string' },
      scope: { type: 'string' },
      remove: { type: 'boolean' },
      ...dataDirOption,
    },
    load: async () => (await import('./pkp-commands.ts')).pkpPermitCommand,
  },
  'pkp mint-grant-burn': {
    summary: 'pkp mint-grant-burn --ipfs CID [--json]      mint a PKP bound forever to one action',
    options: { json: { type: 'boolean' }, ipfs: { type: 'string' }, ...dataDirOption },
    load: async () => (await import('./action-commands.ts')).mintGrantBurnCommand,
  },
  'action cid': {
    summary: 'action cid FILE [--json]                     the CIDv0 of an action file',
    options: { json: { type: 'boolean' } },
    load: async () => (await import('./action-commands.ts')).actionCidCommand,
  },
  'action add': {
    summary: 'action add FILE [--json]                     store an action for Lit SDK calls by ipfsId; prints its CID',
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./action-commands.ts')).actionAddCommand,
  },
  'action run': {
    summary: 'action run FILE|--ipfs CID [--params JSON] [--json]  run a Lit Action on every node',
    options: { json: { type: 'boolean' }, ipfs: { type: 'string' }, params: { type: 'string' }, ...dataDirOption },
    load: async () => (await import('./action-commands.ts')).actionRunCommand,
  },
  'action grant': {
    summary: 'action grant --pubkey HEX --ipfs CID [--scope N]  let an action sign with your PKP',
    options: {
      json: { type: 'boolean' },
      pubkey: { type: 'string' },
      ipfs: { type: 'string' },
      scope: { type: 'string' },
      ...dataDirOption,
    },
    load: async () => (await import('./action-commands.ts')).actionGrantCommand,
  },
  verify: {
    summary:
      'verify --pubkey HEX --code FILE --signature HEX --digest HEX | --stream ID --actions CID,CID  check a Mint/Grant/Burn proof, or who could write a Ceramic stream',
    options: {
      json: { type: 'boolean' },
      stream: { type: 'string' },
      actions: { type: 'string' },
      pubkey: { type: 'string' },
      code: { type: 'string' },
      signature: { type: 'string' },
      digest: { type: 'string' },
      ...dataDirOption,
    },
    load: async (): Promise<CommandHandler> => async (values, positionals) =>
      values.stream !== undefined
        ? (await import('./social-commands.ts')).verifyStreamCommand(values, positionals)
        : (await import('./action-commands.ts')).verifyCommand(values, positionals),
  },
  encrypt: {
    summary:
      'encrypt --conditions FILE (--text T | --file F) [--out FILE] [--json]  encrypt under access control conditions',
    options: {
      json: { type: 'boolean' },
      conditions: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      out: { type: 'string' },
      ...dataDirOption,
    },
    load: async () => (await import('./encryption-commands.ts')).encryptCommand,
  },
  decrypt: {
    summary: 'decrypt --in FILE [--pubkey HEX] [--out FILE] [--json]  decrypt if the conditions are met',
    options: {
      json: { type: 'boolean' },
      in: { type: 'string' },
      pubkey: { type: 'string' },
      out: { type: 'string' },
      ...dataDirOption,
    },
    load: async () => (await import('./encryption-commands.ts')).decryptCommand,
  },
  'ceramic session': {
    summary:
      'ceramic session --pubkey HEX [--resources URI]... [--expires-in 7d] [--domain APP] [--export-session] [--json]  Ceramic did:pkh session for a PKP',
    options: {
      json: { type: 'boolean' },
      pubkey: { type: 'string' },
      resources: { type: 'string', multiple: true },
      'expires-in': { type: 'string' },
      domain: { type: 'string' },
      'export-session': { type: 'boolean' },
      ...dataDirOption,
    },
    load: async () => (await import('./ceramic-commands.ts')).ceramicSessionCommand,
  },
  'social setup': {
    summary:
      'social setup [--json]                        the social example: a PKP only its actions sign with, owning a Ceramic feed',
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./social-commands.ts')).socialSetupCommand,
  },
  'social post': {
    summary: 'social post TEXT [--json]                    createPost (as the wallet account)',
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./social-commands.ts')).socialPostCommand,
  },
  'social like': {
    summary: 'social like POST-ID [--json]                 likePost (once per person)',
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./social-commands.ts')).socialLikeCommand,
  },
  'social feed': {
    summary: 'social feed [--json]                         the feed, read from the Ceramic node',
    options: { json: { type: 'boolean' }, ...dataDirOption },
    load: async () => (await import('./social-commands.ts')).socialFeedCommand,
  },
};

/** Command groups: `litbox pkp mint` is the command "pkp mint". */
const GROUPS = new Set(['pkp', 'action', 'ceramic', 'social']);

export function usage(): string {
  return ['usage: litbox <command> [options]', '', ...Object.values(commands).map((c) => `  litbox ${c.summary}`)].join(
    '\n',
  );
}

/** Runs one CLI command and returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const grouped = argv[0] !== undefined && GROUPS.has(argv[0]);
  const name = grouped ? `${argv[0]} ${argv[1] ?? ''}`.trim() : argv[0];
  const rest = argv.slice(grouped ? 2 : 1);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`litbox: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: true });
    } catch (err) {
      throw new CliError(`${(err as Error).message.split('\n')[0]} (see: litbox help)`, 2);
    }
    const run = await command.load();
    return (await run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals)) ?? 0;
  } catch (err) {
    // A refusal by the host that names fields: one line per field, by the option that gave it.
    const fieldErrors = (err as Partial<ApiCallError> | undefined)?.fieldErrors;
    if (fieldErrors?.length) {
      const { fieldErrorLines } = await import('./cli-values.ts');
      for (const line of fieldErrorLines(fieldErrors)) console.error(`litbox: ${line}`);
      return 1;
    }
    console.error(`litbox: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}
