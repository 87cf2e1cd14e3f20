import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import {
  askOpenTabsForToken,
  hostClient,
  shareTokenWithOpenTabs,
  subscribeLive,
  takeToken,
} from './host-connection.ts';
import { NavigationContext, SECTIONS, routeFromHash, routeToHash, sectionOf, type Route } from './navigation.ts';
import { NetworkDashboard } from './network/NetworkDashboard.tsx';
import { PkpsPage } from './pkps/PkpsPage.tsx';
import { PkpDetailPage } from './pkps/detail/PkpDetailPage.tsx';
import { ActionsSection } from './actions/ActionsSection.tsx';
import { ActivityPage } from './activity/ActivityPage.tsx';
import { EncryptionPage } from './encryption/EncryptionPage.tsx';
import { SocialPage } from './social/SocialPage.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';
import { Onboarding } from './onboarding/Onboarding.tsx';
import { useTheme } from './ui/theme.ts';
import { ApprovalPrompt } from './approvals/ApprovalPrompt.tsx';
import { setProviderState } from './approvals/provider-store.ts';
import { IdentityProvider } from './identity/identity.tsx';
import { AccountSwitcher } from './identity/AccountSwitcher.tsx';
import { AccountPage } from './identity/AccountPage.tsx';
import { TransactionPage } from './identity/TransactionPage.tsx';
import { networkHealth } from './status/network-health.ts';
import { HealthContext } from './status/health-context.ts';
import { Toasts } from './ui/toasts.tsx';

/** Set once the person opened the wallet from the welcome screen. */
const WELCOMED_KEY = 'litbox.welcomed';

export function App() {
  // undefined: still asking open tabs for it; null: no tab has it.
  const [token, setToken] = useState<string | null | undefined>(() => takeToken());
  const [theme, setTheme] = useTheme();
  const [status, setStatus] = useState<NetworkStatus | undefined>();
  const [connected, setConnected] = useState(false);
  // Each page has a URL (#/pkp/0x04…/send): Back, reload and a second tab land on it.
  const [route, setRouteState] = useState<Route>(() => routeFromHash(window.location.hash) ?? { section: 'network' });
  const [navOpen, setNavOpen] = useState(false);
  const [entered, setEntered] = useState(false);
  const [forceWelcome, setForceWelcome] = useState(false);
  const [welcomed, setWelcomed] = useState(() => localStorage.getItem(WELCOMED_KEY) === 'yes');
  const client = useMemo(() => (token ? hostClient(token) : undefined), [token]);
  const mainRef = useRef<HTMLElement>(null);
  const place = routeToHash(route)
    .replace(/\?.*$/, '')
    .replace(/^(#\/pkp\/[^/]+)\/.*$/, '$1');
  const lastPlace = useRef(place);

  const setRoute = useCallback((next: Route) => {
    setNavOpen(false);
    setRouteState(next);
    const hash = routeToHash(next);
    if (window.location.hash !== hash) history.pushState(null, '', hash);
  }, []);

  useEffect(() => {
    const follow = () => {
      const next = routeFromHash(window.location.hash);
      if (next) setRouteState(next);
    };
    window.addEventListener('popstate', follow);
    window.addEventListener('hashchange', follow);
    return () => {
      window.removeEventListener('popstate', follow);
      window.removeEventListener('hashchange', follow);
    };
  }, []);

  useEffect(() => {
    if (token === undefined) void askOpenTabsForToken().then((found) => setToken(found ?? null));
    else if (token) return shareTokenWithOpenTabs(token);
  }, [token]);

  useEffect(() => {
    if (!token) return;
    return subscribeLive(
      token,
      (message) => {
        if (message.type === 'status') setStatus(message.status);
        else if (message.type === 'provider') setProviderState(message.state);
      },
      setConnected,
    );
  }, [token]);

  // A new page takes the focus to its heading, so keyboard and screen reader users start there.
  useEffect(() => {
    if (lastPlace.current === place) return;
    lastPlace.current = place;
    const heading = mainRef.current?.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [place]);

  const enter = useCallback(() => {
    localStorage.setItem(WELCOMED_KEY, 'yes');
    setWelcomed(true);
    setForceWelcome(false);
    setEntered(true);
  }, []);

  if (token === undefined) return <p className="page">Looking for an open Litbox tab…</p>;
  if (!token || !client) {
    return (
      <main className="page">
        <h1>Litbox</h1>
        <p role="alert">
          This page needs the address the Litbox host printed at start-up (it ends in <code>#token=…</code>). Open that
          address, or run <code>npm run sandbox</code> to start a host.
        </p>
      </main>
    );
  }

  if (!entered)
    return <Onboarding status={status} client={client} welcomed={welcomed} force={forceWelcome} onDone={enter} />;

  const ready = status?.ready === true;
  const health = networkHealth(status, connected);
  return (
    <NavigationContext.Provider value={setRoute}>
      <IdentityProvider client={client} status={status}>
        <HealthContext.Provider value={health}>
          <div className="shell">
            <a
              className="skip-link"
              href="#main"
              onClick={(e) => {
                e.preventDefault();
                mainRef.current?.focus();
              }}
            >
              Skip to content
            </a>
            <header className="topbar">
              <button
                type="button"
                className="nav-toggle"
                aria-expanded={navOpen}
                aria-controls="sections"
                aria-label="Sections menu"
                onClick={() => setNavOpen((o) => !o)}
              >
                <span aria-hidden="true">☰</span>
                <span className="visually-hidden">Sections</span>
              </button>
              <span className="brand">
                <span className="brand-mark" aria-hidden="true" />
                Litbox
              </span>
              <AccountSwitcher route={route} />
              <span className="spacer" />
              <button
                type="button"
                className={`pill health ${health.level}`}
                aria-live="polite"
                data-testid="topbar-network"
                title={health.signWait ?? health.mintWait ?? health.text}
                onClick={() => setRoute({ section: 'network' })}
              >
                {health.text}
              </button>
            </header>
            <div className="body">
              <nav className={navOpen ? 'sidenav open' : 'sidenav'} id="sections" aria-label="Sections">
                <ul>
                  {SECTIONS.map((item) => (
                    <li key={item.section}>
                      <button
                        type="button"
                        className="nav-item"
                        aria-current={sectionOf(route) === item.section ? 'page' : undefined}
                        onClick={() => setRoute(item.route)}
                      >
                        {item.label}
                      </button>
                    </li>
                  ))}
                </ul>
              </nav>
              <main id="main" className="page" ref={mainRef} tabIndex={-1}>
                <ApprovalPrompt client={client} />
                {!status ? (
                  <p>Connecting to the Litbox host…</p>
                ) : route.section === 'network' ? (
                  <NetworkDashboard status={status} client={client} />
                ) : route.section === 'pkps' ? (
                  <PkpsPage client={client} networkReady={ready} />
                ) : route.section === 'pkp' ? (
                  <PkpDetailPage
                    key={route.publicKey}
                    client={client}
                    status={status}
                    publicKey={route.publicKey}
                    tab={route.tab}
                  />
                ) : route.section === 'actions' ? (
                  <ActionsSection client={client} networkReady={ready} tab={route.tab} />
                ) : route.section === 'encryption' ? (
                  <EncryptionPage client={client} networkReady={ready} />
                ) : route.section === 'social' ? (
                  <SocialPage client={client} networkReady={ready} status={status} />
                ) : route.section === 'activity' ? (
                  <ActivityPage key={route.query ?? ''} client={client} initialQuery={route.query} />
                ) : route.section === 'account' ? (
                  <AccountPage key={route.address} client={client} address={route.address} />
                ) : route.section === 'tx' ? (
                  <TransactionPage key={route.hash} client={client} hash={route.hash} />
                ) : (
                  <SettingsPage
                    client={client}
                    status={status}
                    theme={theme}
                    onTheme={setTheme}
                    onShowWelcome={() => {
                      setForceWelcome(true);
                      setEntered(false);
                    }}
                  />
                )}
              </main>
            </div>
            <Toasts />
          </div>
        </HealthContext.Provider>
      </IdentityProvider>
    </NavigationContext.Provider>
  );
}
