import type { z } from 'zod';
import type { FieldError } from './contract.ts';

/**
 * A schema issue in words a person can act on, instead of the validator's own text
 * ("Too small: expected array to have >=1 items"). Messages the contract wrote itself
 * ("must be an Ethereum address") are already plain and pass through.
 */
export function plainIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod leaves the input out of issues; its message says what it received.
      return /received undefined$/.test(issue.message) ? 'is missing' : `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string')
        return issue.minimum === 1 ? 'must not be empty' : `needs at least ${String(issue.minimum)} characters`;
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `takes at most ${String(issue.maximum)} items`;
      if (issue.origin === 'string') return `takes at most ${String(issue.maximum)} characters`;
      return `must be at most ${String(issue.maximum)}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'is not in any of the accepted forms';
    default:
      // Custom messages from the contract (regex checks, refinements) are written for people.
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The field an issue is about: its path joined with dots ("conditions.0.method"), "input" for the whole. */
export function issueField(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.') || 'input';
}

/** A refused input's issues as field errors: one per field (its first issue), in the order found. */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = issueField(issue);
    if (!byField.has(field)) byField.set(field, plainIssue(issue));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/** Field errors in one sentence, for the top-level message: "to: must be an Ethereum address; valueEth: …". */
export function fieldErrorsSentence(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.field}: ${f.message}`).join('; ');
}
