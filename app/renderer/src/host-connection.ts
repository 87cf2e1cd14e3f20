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
