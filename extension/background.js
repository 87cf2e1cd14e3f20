/* global chrome, WebSocket */
import { PROVIDER_PORT } from './config.js';

// The service worker is the only part that talks to Litbox. Each page (frame) that uses the
// provider opens a port; for it the worker opens one WebSocket to the endpoint and names the
// page's origin as Chrome reports it (port.sender.origin), never as the page says it.
chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== 'litbox') return;
  const origin = port.sender && port.sender.origin;
  if (typeof origin !== 'string' || !/^https?:\/\//.test(origin)) {
    port.disconnect();
    return;
  }
  let socket;
  let queued = [];
  let closedByPage = false;

  const post = (message) => {
    try {
      port.postMessage(message);
    } catch {
      // the page went away
    }
  };
  const failQueued = (message) => {
    for (const request of queued) post({ type: 'response', id: request.id, error: { code: 4900, message } });
    queued = [];
  };
  const open = () => {
    socket = new WebSocket(`ws://127.0.0.1:${PROVIDER_PORT}/?origin=${encodeURIComponent(origin)}`);
    socket.onopen = () => {
      for (const request of queued) socket.send(JSON.stringify(request));
      queued = [];
    };
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.method === 'wallet_event' && message.params)
        post({ type: 'event', event: message.params.event, data: message.params.data });
      // eth_subscribe's notifications: EIP-1193's `message` event.
      else if (message.method === 'eth_subscription' && message.params)
        post({ type: 'event', event: 'message', data: { type: 'eth_subscription', data: message.params } });
      else post({ type: 'response', id: message.id, result: message.result, error: message.error });
    };
    socket.onclose = () => {
      failQueued('Litbox is not running (start it, then try again)');
      if (!closedByPage)
        post({ type: 'event', event: 'disconnect', data: { code: 4900, message: 'Litbox is not running' } });
      socket = undefined;
    };
  };

  port.onMessage.addListener((message) => {
    if (!message || message.type !== 'request' || typeof message.method !== 'string') return;
    const request = { jsonrpc: '2.0', id: message.id, method: message.method, params: message.params ?? [] };
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(request));
    else {
      queued.push(request);
      if (!socket) open();
    }
  });
  port.onDisconnect.addListener(() => {
    closedByPage = true;
    if (socket) socket.close();
  });
});
