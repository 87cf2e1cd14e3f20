import { describe, expect, it } from 'vitest';
import { apiCalls } from './contract.ts';
import { issueField, plainIssue } from './plain-issue.ts';

function issues(name: keyof typeof apiCalls, input: unknown): Record<string, string> {
  const parsed = apiCalls[name].input.safeParse(input);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [issueField(i), plainIssue(i)]));
}

describe('schema issues in plain words, by field', () => {
  it('names the field and says what is wrong, not the validator’s text', () => {
    expect(issues('encrypt', { conditions: [], text: 'x' })).toEqual({ conditions: 'needs at least 1 item' });
    expect(issues('faucet', {})).toEqual({ address: 'is missing' });
    expect(issues('faucet', { address: 7 })).toEqual({ address: 'must be a string' });
    expect(issues('faucet', { address: '0x12', extra: 1 })).toEqual({
      address: 'must be an Ethereum address',
      input: 'has unknown field: extra',
    });
  });

  it('keeps the contract’s own messages', () => {
    expect(issues('pkpRename', { publicKey: '0x04', name: 'x' })).toEqual({
      publicKey: 'must be a 65-byte uncompressed public key (0x04…)',
    });
  });
});
