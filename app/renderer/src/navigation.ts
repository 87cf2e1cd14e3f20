import { createContext, useContext } from 'react';

/** The tabs of one PKP's page. */
export type PkpTab = 'overview' | 'send' | 'message' | 'typed-data' | 'export' | 'ceramic';

/** Where the person is in the app; the side navigation names the sections. */
export type Route =
  | { section: 'network' }
  | { section: 'pkps' }
  | { section: 'pkp'; publicKey: string; tab: PkpTab }
  | { section: 'actions'; tab: 'run' | 'verify' }
  | { section: 'encryption' }
  | { section: 'activity'; query?: string }
  | { section: 'settings' };

export type Section = Route['section'];

/** The side navigation, in order. */
export const SECTIONS: { section: Section; label: string; route: Route }[] = [
  { section: 'network', label: 'Network', route: { section: 'network' } },
  { section: 'pkps', label: 'PKPs', route: { section: 'pkps' } },
  { section: 'actions', label: 'Actions', route: { section: 'actions', tab: 'run' } },
  { section: 'encryption', label: 'Encryption', route: { section: 'encryption' } },
  { section: 'activity', label: 'Activity', route: { section: 'activity' } },
  { section: 'settings', label: 'Settings', route: { section: 'settings' } },
];

/** Which side-navigation entry a route belongs to (a PKP's page is under PKPs). */
export function sectionOf(route: Route): Section {
  return route.section === 'pkp' ? 'pkps' : route.section;
}

export const NavigationContext = createContext<(route: Route) => void>(() => undefined);

/** Moves to another page of the app. */
export function useNavigate(): (route: Route) => void {
  return useContext(NavigationContext);
}
