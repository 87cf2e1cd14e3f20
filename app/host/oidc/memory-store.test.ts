import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.ts';

describe('issuer memory store', () => {
  it('forgets entries when they expire', async () => {
    let now = 1_000_000;
    const Store = createMemoryStore(() => now);
    const codes = new Store('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    expect(await codes.find('c1')).toEqual({ grantId: 'g1' });
    now += 61_000;
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('keeps models apart, finds sessions by uid, marks consumption, revokes by grant', async () => {
    let now = 1_000_000;
    const Store = createMemoryStore(() => now);
    const sessions = new Store('Session');
    const tokens = new Store('AccessToken');
    await sessions.upsert('s1', { uid: 'u1' }, undefined);
    await tokens.upsert('s1', { grantId: 'g1' }, 600);
    await tokens.upsert('t2', { grantId: 'g2' }, 600);
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1' });
    expect(await tokens.findByUid('u1')).toBeUndefined();
    now += 5_000;
    await tokens.consume('t2');
    expect((await tokens.find('t2'))?.consumed).toBe(1005);
    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('s1')).toBeUndefined();
    expect(await sessions.find('s1')).toEqual({ uid: 'u1' });
    await tokens.destroy('t2');
    expect(await tokens.find('t2')).toBeUndefined();
  });
});
