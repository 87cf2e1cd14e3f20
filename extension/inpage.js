/* global window, crypto, CustomEvent, setTimeout */
// The page-world half: an EIP-1193 provider announced with EIP-6963 (name Litbox). Requests go
// to the isolated-world bridge and on to the service worker; without Litbox running, every
// request fails with 4900 (disconnected) and the page carries on.
(() => {
  const INFO = Object.freeze({
    uuid: crypto.randomUUID(),
    name: 'Litbox',
    icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA5NiA5NiI+PHJlY3Qgd2lkdGg9Ijk2IiBoZWlnaHQ9Ijk2IiByeD0iMjAiIGZpbGw9IiMxZjJhNDQiLz48cmVjdCB4PSIyMiIgeT0iMjIiIHdpZHRoPSI1MiIgaGVpZ2h0PSI1MiIgcng9IjgiIGZpbGw9Im5vbmUiIHN0cm9rZT0iIzdkZDNmYyIgc3Ryb2tlLXdpZHRoPSI2Ii8+PGNpcmNsZSBjeD0iNDgiIGN5PSI0OCIgcj0iOSIgZmlsbD0iI2ZhY2MxNSIvPjwvc3ZnPgo=',
    rdns: 'dev.litbox',
  });
  const listeners = new Map();
  const pending = new Map();
  let nextId = 1;
  // The chain of the last `connect` (kept across a disconnect, so a Litbox that comes back on
  // another chain is a chainChanged), and whether the provider is connected now.
  let lastChain = null;
  let connected = false;

  class ProviderRpcError extends Error {
    constructor(code, message, data) {
      super(message);
      this.code = code;
      if (data !== undefined) this.data = data;
    }
  }
  const emit = (event, ...args) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
  };

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (event.source !== window || !m || m.target !== 'litbox-inpage') return;
    if (m.type === 'response') {
      const waiting = pending.get(m.id);
      if (!waiting) return;
      pending.delete(m.id);
      if (m.error) waiting.reject(new ProviderRpcError(m.error.code, m.error.message, m.error.data));
      else waiting.resolve(m.result);
    } else if (m.type === 'event') {
      if (m.event === 'connect') {
        const changed = lastChain !== null && lastChain !== m.data.chainId;
        lastChain = m.data.chainId;
        connected = true;
        emit('connect', { chainId: m.data.chainId });
        if (changed) emit('chainChanged', m.data.chainId);
      } else if (m.event === 'disconnect') {
        for (const [, waiting] of pending) waiting.reject(new ProviderRpcError(4900, m.data.message));
        pending.clear();
        if (connected) emit('disconnect', new ProviderRpcError(4900, m.data.message));
        connected = false;
      } else if (m.event === 'accountsChanged' || m.event === 'chainChanged' || m.event === 'message')
        emit(m.event, m.data);
    }
  });

  const provider = {
    isLitbox: true,
    isConnected: () => connected,
    request(args) {
      if (!args || typeof args !== 'object' || typeof args.method !== 'string')
        return Promise.reject(new ProviderRpcError(-32602, 'request takes { method, params? }'));
      if (args.params !== undefined && (typeof args.params !== 'object' || args.params === null))
        return Promise.reject(new ProviderRpcError(-32602, 'params must be an array or an object'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        window.postMessage(
          { target: 'litbox-bridge', type: 'request', id, method: args.method, params: args.params },
          window.location.origin,
        );
      });
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return provider;
    },
    removeListener(event, listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  Object.freeze(provider);

  const announce = () =>
    window.dispatchEvent(
      new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info: INFO, provider }) }),
    );
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
})();
