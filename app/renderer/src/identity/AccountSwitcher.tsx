import { useEffect, useRef, useState } from 'react';
import type { Pkp } from '../../../shared/api/contract.ts';
import { useNavigate, type Route } from '../navigation.ts';
import { CopyButton } from '../ui/Copy.tsx';
import { Identicon } from '../ui/Identicon.tsx';
import { shortAddress } from '../ui/identicon.ts';
import { formatEth } from '../ui/format-amount.ts';
import { useIdentity } from './identity.tsx';

const CURRENT_KEY = 'litbox.currentAccount';

/** What a PKP is called: its name, else what controls it. */
export function pkpTitle(pkp: Pkp): string {
  if (pkp.name) return pkp.name;
  if (pkp.owner === 'wallet') return 'PKP (wallet-owned)';
  if (pkp.owner === 'self') return 'PKP (owns itself)';
  if (pkp.owner === 'burned') return 'PKP (burned)';
  return 'PKP';
}

/**
 * The header's current account, as in MetaMask or Rabby: picture, name, short address with
 * copy; the menu switches between the wallet account and every live PKP. The page the person
 * is on decides the account when it is one (a PKP's page, an account's history).
 */
export function AccountSwitcher({ route }: { route: Route }) {
  const navigate = useNavigate();
  const { wallet, pkps } = useIdentity();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState(() => localStorage.getItem(CURRENT_KEY) ?? '');
  const menuRef = useRef<HTMLDivElement>(null);

  const fromRoute =
    route.section === 'pkp'
      ? pkps.find((p) => p.publicKey.toLowerCase() === route.publicKey.toLowerCase())?.ethAddress
      : route.section === 'account'
        ? route.address
        : undefined;
  useEffect(() => {
    if (fromRoute) {
      setChosen(fromRoute);
      localStorage.setItem(CURRENT_KEY, fromRoute);
    }
  }, [fromRoute]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !menuRef.current?.contains(event.target as Node))
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  if (!wallet) return null;
  const live = pkps.filter((p) => p.owner !== 'burned');
  const currentPkp = live.find((p) => p.ethAddress.toLowerCase() === chosen.toLowerCase());
  const current = currentPkp
    ? { address: currentPkp.ethAddress, name: pkpTitle(currentPkp) }
    : { address: wallet.address, name: 'Wallet account' };

  const choose = (address: string, to: Route) => {
    setChosen(address);
    localStorage.setItem(CURRENT_KEY, address);
    setOpen(false);
    navigate(to);
  };

  return (
    <div className="account-switcher" ref={menuRef}>
      <span className="current-account" title={current.address} data-testid="current-account">
        <Identicon address={current.address} size={22} />
        <button
          type="button"
          className="account-button"
          aria-haspopup="true"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          data-testid="account-switcher"
        >
          <span className="account-name" data-testid="current-account-name">
            {current.name}
          </span>
          <span className="mono account-short">{shortAddress(current.address)}</span>
          <span aria-hidden="true">▾</span>
        </button>
        <CopyButton value={current.address} label="Copy address" />
      </span>
      {open ? (
        <div className="account-menu" role="menu" aria-label="Switch account" data-testid="account-menu">
          <AccountItem
            address={wallet.address}
            name="Wallet account"
            balanceWei={wallet.balanceWei}
            current={current.address === wallet.address}
            onChoose={() => choose(wallet.address, { section: 'account', address: wallet.address })}
          />
          {live.map((pkp) => (
            <AccountItem
              key={pkp.tokenId}
              address={pkp.ethAddress}
              name={pkpTitle(pkp)}
              balanceWei={pkp.balanceWei}
              current={current.address === pkp.ethAddress}
              onChoose={() => choose(pkp.ethAddress, { section: 'pkp', publicKey: pkp.publicKey, tab: 'overview' })}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}

function AccountItem(props: {
  address: string;
  name: string;
  balanceWei: string | undefined;
  current: boolean;
  onChoose: () => void;
}) {
  return (
    <button
      type="button"
      role="menuitemradio"
      aria-checked={props.current}
      className="account-item"
      onClick={props.onChoose}
      title={props.address}
      data-testid="account-item"
    >
      <Identicon address={props.address} size={22} />
      <span className="account-item-text">
        <span className="account-name">{props.name}</span>
        <span className="mono muted">{shortAddress(props.address)}</span>
      </span>
      {props.balanceWei !== undefined ? <span className="muted">{formatEth(props.balanceWei)} ETH</span> : null}
    </button>
  );
}
