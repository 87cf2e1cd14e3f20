import type { TestIdentity } from './identities.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** No scripts, no outside resources; the form posts back to the page's own origin. */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  // Not no-referrer: with it, browsers send `Origin: null` on the page's own form posts.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; padding: 48px 16px; color: #1d2330; }
  main { max-width: 380px; margin: 0 auto; background: #fff; border-radius: 8px; padding: 24px 28px;
         box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.3em; margin: 0 0 4px; }
  p { color: #555; margin: 0 0 20px; font-size: .95em; }
  form.pick button { display: block; width: 100%; text-align: left; padding: 12px 14px; margin: 0 0 10px;
         border: 1px solid #ccd; border-radius: 6px; background: #fff; cursor: pointer; font-size: 1em; }
  form.pick button:hover, form.pick button:focus { border-color: #3b6fd8; background: #f3f7ff; }
  .email { display: block; color: #666; font-size: .85em; }
  .unverified { color: #a05a00; font-size: .8em; }
  form.cancel button { background: none; border: none; color: #3b6fd8; cursor: pointer; padding: 0; font-size: .9em; }
  footer { margin-top: 18px; color: #888; font-size: .8em; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

/**
 * The sign-in page: one button per identity. Each button posts `sub` to
 * `<actionBase>/login`; "Cancel" posts to `<actionBase>/abort`. Tests and e2e find the
 * buttons by `data-email`.
 */
export function renderLoginPage(input: {
  actionBase: string;
  clientName: string;
  identities: readonly TestIdentity[];
  issuer: string;
}): string {
  const buttons = input.identities
    .map(
      (id) =>
        `<button type="submit" name="sub" value="${escapeHtml(id.sub)}" data-email="${escapeHtml(id.email)}">` +
        `${escapeHtml(id.name)}<span class="email">${escapeHtml(id.email)}` +
        (id.emailVerified ? '' : ' <span class="unverified">(unverified email)</span>') +
        `</span></button>`,
    )
    .join('\n');
  return page(
    'Sign in — Litbox local issuer',
    `<h1>Choose an account</h1>
<p>to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
<form class="pick" method="post" action="${escapeHtml(input.actionBase)}/login">
${buttons}
</form>
<form class="cancel" method="post" action="${escapeHtml(input.actionBase)}/abort">
<button type="submit">Cancel</button>
</form>
<footer>Test accounts of the local OpenID Connect issuer at ${escapeHtml(input.issuer)}. Nothing leaves this machine.</footer>`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
