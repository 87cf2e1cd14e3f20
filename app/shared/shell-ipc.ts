import { z } from 'zod';

export { SHELL_CHANNELS } from './shell-channels.ts';

/**
 * The desktop shell's two wires: the host child's IPC channel (app/main ↔ app/host, started
 * with `up --report-to-parent`) and the shell page's bridge (app/preload ↔ app/main). The
 * vault passphrase travels only here, never in argv, the environment or a log.
 */

/** host → shell */
export const HostToShell = z.discriminatedUnion('type', [
  /** The API listens (before the network is up): the window can show the onboarding view. */
  z.object({ type: z.literal('listening'), url: z.url(), token: z.string().min(1) }),
  /** The network and wallet services are up. */
  z.object({ type: z.literal('ready') }),
  /** Every verb works: the network key, a routed key and presignatures are there. */
  z.object({ type: z.literal('usable') }),
  /** No OS keychain answered: the shell supplies the vault passphrase (new vault when creating). */
  z.object({ type: z.literal('passphrase-needed'), creating: z.boolean() }),
  /** Start-up failed; the host exits next. */
  z.object({
    type: z.literal('start-failed'),
    reason: z.enum(['wrong-passphrase', 'other']),
    message: z.string(),
  }),
]);
export type HostToShell = z.infer<typeof HostToShell>;

/** shell → host */
export const ShellToHost = z.discriminatedUnion('type', [
  /** An empty passphrase means "none given": the host reports start-failed. */
  z.object({ type: z.literal('passphrase'), passphrase: z.string() }),
]);
export type ShellToHost = z.infer<typeof ShellToHost>;

/** At least this long, as the passphrase-file vault requires for a new vault. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** What the shell's own page shows while the host's UI is not on screen. */
export const ShellView = z.discriminatedUnion('view', [
  z.object({ view: z.literal('starting') }),
  z.object({
    view: z.literal('passphrase'),
    /** Choosing a new passphrase (first start) or entering the existing one. */
    creating: z.boolean(),
    /** Said plainly after a wrong passphrase. */
    error: z.string().optional(),
  }),
  z.object({
    view: z.literal('crashed'),
    message: z.string(),
    /** The host's last log lines (never contain secrets: the host logs none). */
    logTail: z.array(z.string()),
  }),
  z.object({ view: z.literal('stopping') }),
]);
export type ShellView = z.infer<typeof ShellView>;

export const SubmitPassphrase = z.object({ passphrase: z.string().min(1).max(1024) });
