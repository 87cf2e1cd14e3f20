import { describe, expect, it } from 'vitest';
import { runCliProcess, tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';

// Bad flags of the wallet provider are refused before anything starts (exit code 2).
describe('litbox up: wallet provider flags', () => {
  it('refuses a client name that is not a name, "unknown", and a provider port of 0', async () => {
    const dir = tempDataDir('litbox-provider-cli-');
    for (const [args, message] of [
      [['--approve-all-from', 'my client!'], /--approve-all-from takes the name/],
      [['--approve-all-from', 'unknown'], /not "unknown"/],
      [['--provider-port', '0'], /--provider-port needs a port from 1 to 65535/],
      [['--provider-port', 'x'], /--provider-port needs a port/],
    ] as const) {
      const result = await runCliProcess(['up', '--data-dir', dir, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});
