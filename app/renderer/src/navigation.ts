import { createContext, useContext } from 'react';
import { AddressText, isWireValue, PublicKeyText, TransactionHashText } from '../../shared/wire-values.ts';

/** The tabs of one PKP's page. */
export type PkpTab = 'overview' | 'send' | 'message' | 'typed-data' | 'export' | 'ceramic' | 'history';

const PKP_TABS: readonly PkpTab[] = ['overview', 'send', 'message', 'typed-data', 'export', 'ceramic', 'history'];

/** Where the person is in the app; the side navigation names the sections. */
export type Route =
  | { section: 'network' }
  | { section: 'pkps' }
  | { section: 'pkp'; publicKey: string; tab: PkpTab }
  | { section: 'actions'; tab: 'run' | 'verify' }
  | { section: 'encryption' }
  /** The social example on the local Ceramic node (`up --ceramic`). */
  | { section: 'social' }
  | { section: 'activity'; query?: string }
  | { section: 'settings' }
  /** Any account's history (the wallet account's, from the header). */
  | { section: 'account'; address: string }
  /** One transaction, reachable from every hash. */
  | { section: 'tx'; hash: string };

export type Section = Route['section'];

/** The side navigation, in order. */
export const SECTIONS: { section: Section; label: string; route: Route }[] = [
  { section: 'network', label: 'Network', route: { section: 'network' } },
  { section: 'pkps', label: 'PKPs', route: { section: 'pkps' } },
  { section: 'actions', label: 'Actions', route: { section: 'actions', tab: 'run' } },
  { section: 'encryption', label: 'Encryption', route: { section: 'encryption' } },
  { section: 'social', label: 'Social', route: { section: 'social' } },
  { section: 'activity', label: 'Activity', route: { section: 'activity' } },
  { section: 'settings', label: 'Settings', route: { section: 'settings' } },
];

/** Which side-navigation entry a route belongs to (a PKP's page is under PKPs, a transaction under Activity). */
export function sectionOf(route: Route): Section {
  if (route.section === 'pkp' || route.section === 'account') return 'pkps';
  if (route.section === 'tx') return 'activity';
  return route.section;
}

/** The route's address in the URL fragment: #/pkp/0x04…/send, #/tx/0x…, #/activity?q=… */
export function routeToHash(route: Route): string {
  switch (route.section) {
    case 'pkp':
      return `#/pkp/${route.publicKey}/${route.tab}`;
    case 'actions':
      return `#/actions/${route.tab}`;
    case 'activity':
      return route.query ? `#/activity?q=${encodeURIComponent(route.query)}` : '#/activity';
    case 'account':
      return `#/account/${route.address}`;
    case 'tx':
      return `#/tx/${route.hash}`;
    default:
      return `#/${route.section}`;
  }
}

/** The route a URL fragment names; undefined for anything else (the token fragment, a typo). */
export function routeFromHash(hash: string): Route | undefined {
  const match = /^#\/([a-z-]+)(?:\/([^/?]+))?(?:\/([a-z-]+))?(?:\?q=(.*))?$/.exec(hash);
  if (!match) return undefined;
  const [, section, first, second, query] = match;
  switch (section) {
    case 'network':
    case 'pkps':
    case 'encryption':
    case 'social':
    case 'settings':
      return first ? undefined : { section };
    case 'activity':
      return query ? { section, query: decodeURIComponent(query) } : { section };
    case 'actions':
      return first === 'verify'
        ? { section, tab: 'verify' }
        : first === 'run' || !first
          ? { section, tab: 'run' }
          : undefined;
    case 'pkp': {
      // Only the 0x04… form names a page (the one links are made with).
      if (!first?.startsWith('0x') || !isWireValue(PublicKeyText, first)) return undefined;
      const tab = (second ?? 'overview') as PkpTab;
      return PKP_TABS.includes(tab) ? { section, publicKey: first, tab } : undefined;
    }
    case 'account':
      return isWireValue(AddressText, first) ? { section, address: first } : undefined;
    case 'tx':
      return isWireValue(TransactionHashText, first) ? { section, hash: first } : undefined;
    default:
      return undefined;
  }
}

export const NavigationContext = createContext<(route: Route) => void>(() => undefined);

/** Moves to another page of the app. */
export function useNavigate(): (route: Route) => void {
  return useContext(NavigationContext);
}
