import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import { LIVE_PATH, LIVE_PROTOCOL, LiveMessage } from '../../shared/api/contract.ts';

const TOKEN_KEY = 'litbox.token';

/**
 * The per-launch token arrives in the URL fragment (never sent to a server). We keep it for
 * this tab only and remove it from the address bar.
 */
export function takeToken(): string | undefined {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/**
 * A second tab of the wallet (a bookmark, a copied #/pkp/… link) has no token. Tabs of the same
 * origin share it over a BroadcastChannel, which only pages of this very origin (the host's
 * own UI) can join: no other site, and nothing written to disk. Resolves to undefined when no
 * open tab has the token within `waitMs`.
 */
const TOKEN_CHANNEL = 'litbox.token';

export function askOpenTabsForToken(waitMs = 400): Promise<string | undefined> {
  if (typeof BroadcastChannel === 'undefined') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(TOKEN_CHANNEL);
    const done = (token: string | undefined) => {
      window.clearTimeout(timer);
      channel.close();
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      resolve(token);
    };
    const timer = window.setTimeout(() => done(undefined), waitMs);
    channel.onmessage = (event: MessageEvent<{ type?: string; token?: unknown }>) => {
      if (
        event.data?.type === 'token' &&
        typeof event.data.token === 'string' &&
        /^[A-Za-z0-9_-]+$/.test(event.data.token)
      )
        done(event.data.token);
    };
    channel.postMessage({ type: 'token?' });
  });
}

/** Answers other tabs of this origin that ask for the token. Returns a function that stops answering. */
export function shareTokenWithOpenTabs(token: string): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(TOKEN_CHANNEL);
  channel.onmessage = (event: MessageEvent<{ type?: string }>) => {
    if (event.data?.type === 'token?') channel.postMessage({ type: 'token', token });
  };
  return () => channel.close();
}

export function hostClient(token: string): ApiClient {
  return createApiClient({ baseUrl: window.location.origin, token });
}

/**
 * Subscribes to live pushes; reconnects with a short backoff while the host restarts.
 * Returns an unsubscribe function.
 */
export function subscribeLive(
  token: string,
  onMessage: (message: LiveMessage) => void,
  onConnection: (connected: boolean) => void,
): () => void {
  let socket: WebSocket | undefined;
  let closed = false;
  let delay = 250;
  let timer: number | undefined;

  const connect = () => {
    const url = `${window.location.origin.replace(/^http/, 'ws')}${LIVE_PATH}`;
    socket = new WebSocket(url, [LIVE_PROTOCOL, token]);
    socket.onopen = () => {
      delay = 250;
      onConnection(true);
    };
    socket.onmessage = (event) => {
      const parsed = LiveMessage.safeParse(JSON.parse(String(event.data)));
      if (parsed.success) onMessage(parsed.data);
    };
    socket.onclose = () => {
      onConnection(false);
      if (closed) return;
      timer = window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5_000);
    };
  };
  connect();
  return () => {
    closed = true;
    window.clearTimeout(timer);
    socket?.close();
  };
}
