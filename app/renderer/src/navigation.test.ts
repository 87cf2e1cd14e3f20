import { describe, expect, it } from 'vitest';
import { routeFromHash, routeToHash, type Route } from './navigation.ts';

const KEY = `0x04${'ab'.repeat(64)}`;

describe('routes in the URL fragment', () => {
  it('round-trips every page', () => {
    const routes: Route[] = [
      { section: 'network' },
      { section: 'pkps' },
      { section: 'pkp', publicKey: KEY, tab: 'send' },
      { section: 'pkp', publicKey: KEY, tab: 'history' },
      { section: 'actions', tab: 'verify' },
      { section: 'encryption' },
      { section: 'activity', query: '0xabc def' },
      { section: 'activity' },
      { section: 'settings' },
      { section: 'account', address: `0x${'12'.repeat(20)}` },
      { section: 'tx', hash: `0x${'cd'.repeat(32)}` },
    ];
    for (const route of routes) expect(routeFromHash(routeToHash(route))).toEqual(route);
  });

  it('names nothing for the token fragment or a damaged address', () => {
    expect(routeFromHash('#token=abc')).toBeUndefined();
    expect(routeFromHash('#/pkp/0x1234/send')).toBeUndefined();
    expect(routeFromHash(`#/pkp/${KEY}/nonsense`)).toBeUndefined();
    expect(routeFromHash('#/nowhere')).toBeUndefined();
  });
});
