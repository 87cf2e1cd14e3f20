/* global chrome, window */
// The isolated-world half: carries requests from the page's provider (inpage.js) to the
// service worker and answers back. It adds nothing of the page's to the request but the
// method and params; who is asking is decided by Chrome (the port's sender).
(() => {
  let port;
  const toPage = (message) => window.postMessage({ target: 'litbox-inpage', ...message }, window.location.origin);
  const connect = () => {
    if (port) return port;
    try {
      port = chrome.runtime.connect({ name: 'litbox' });
    } catch {
      return undefined; // the extension was reloaded or removed
    }
    port.onMessage.addListener((message) => toPage(message));
    port.onDisconnect.addListener(() => {
      port = undefined;
      toPage({
        type: 'event',
        event: 'disconnect',
        data: { code: 4900, message: 'the Litbox extension disconnected' },
      });
    });
    return port;
  };
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (event.source !== window || !m || m.target !== 'litbox-bridge' || m.type !== 'request') return;
    const p = connect();
    if (!p)
      return toPage({
        type: 'response',
        id: m.id,
        error: { code: 4900, message: 'the Litbox extension is not available' },
      });
    p.postMessage({ type: 'request', id: m.id, method: String(m.method), params: m.params });
  });
})();
