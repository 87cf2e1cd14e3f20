/** Where the host keeps its secrets: the OS keychain, or a passphrase-protected file. */
export interface SecretVault {
  readonly kind: 'keychain' | 'passphrase-file';
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

export class VaultUnavailableError extends Error {}
