import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { hostClient, subscribeLive, takeToken } from './host-connection.ts';
import { NavigationContext, SECTIONS, sectionOf, type Route } from './navigation.ts';
import { NetworkDashboard } from './network/NetworkDashboard.tsx';
import { PkpsPage } from './pkps/PkpsPage.tsx';
import { PkpDetailPage } from './pkps/detail/PkpDetailPage.tsx';
import { ActionsSection } from './actions/ActionsSection.tsx';
import { ActivityPage } from './activity/ActivityPage.tsx';
import { EncryptionPage } from './encryption/EncryptionPage.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';
import { Onboarding } from './onboarding/Onboarding.tsx';
import { useTheme } from './ui/theme.ts';
import { ApprovalPrompt } from './approvals/ApprovalPrompt.tsx';
import { setProviderState } from './approvals/provider-store.ts';

/** Set once the person opened the wallet from the welcome screen. */
const WELCOMED_KEY = 'litbox.welcomed';

export function App() {
  const token = useMemo(takeToken, []);
  const [theme, setTheme] = useTheme();
  const [status, setStatus] = useState<NetworkStatus | undefined>();
  const [connected, setConnected] = useState(false);
  const [route, setRoute] = useState<Route>({ section: 'network' });
  const [entered, setEntered] = useState(false);
  const [forceWelcome, setForceWelcome] = useState(false);
  const [welcomed, setWelcomed] = useState(() => localStorage.getItem(WELCOMED_KEY) === 'yes');
  const client = useMemo(() => (token ? hostClient(token) : undefined), [token]);
  const mainRef = useRef<HTMLElement>(null);
  const place = route.section === 'pkp' ? `pkp:${route.publicKey}` : sectionOf(route);
  const lastPlace = useRef(place);

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
  const upCount = status?.nodes.filter((n) => n.up).length ?? 0;
  return (
    <NavigationContext.Provider value={setRoute}>
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
          <span className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Litbox
          </span>
          <span className="spacer" />
          {status ? (
            <span className="muted" data-testid="topbar-network">
              {ready ? 'sandbox ready' : 'sandbox starting…'} · {upCount}/{status.nodeCount} nodes up · threshold{' '}
              {status.threshold}
            </span>
          ) : null}
          <span className={connected ? 'pill ok' : 'pill bad'} aria-live="polite">
            {connected ? 'connected to host' : 'host unreachable, retrying'}
          </span>
        </header>
        <div className="body">
          <nav className="sidenav" aria-label="Sections">
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
            ) : route.section === 'activity' ? (
              <ActivityPage client={client} initialQuery={route.query} />
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
      </div>
    </NavigationContext.Provider>
  );
}
