/**
 * The small HTML pages the OAuth popup ends on. They report the outcome to the opener (postMessage
 * and a BroadcastChannel) and close; the WebSocket carries the same outcome when the opener is gone.
 */

export type PopupOutcome =
  | { ok: true; providerConfigKey: string; connectionId: string }
  | { ok: false; errorType: string; message: string };

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function popupResultPage(outcome: PopupOutcome, nonce: string): string {
  const message = outcome.ok
    ? {
        type: 'pier_oauth_callback_success',
        providerConfigKey: outcome.providerConfigKey,
        connectionId: outcome.connectionId,
      }
    : { type: 'pier_oauth_callback_error', errorType: outcome.errorType, errorMessage: outcome.message };
  const title = outcome.ok ? 'Connected' : 'Could not connect';
  const text = outcome.ok ? 'You can close this window.' : outcome.message;
  // JSON inside <script> must not be able to close the tag.
  const payload = JSON.stringify(message).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f6f7f9;color:#1c2330}
main{background:#fff;border-radius:12px;padding:32px 40px;box-shadow:0 4px 24px rgba(0,0,0,.08);max-width:420px;text-align:center}
h1{font-size:20px;margin:0 0 8px}.err h1{color:#b42318}</style></head>
<body><main class="${outcome.ok ? 'ok' : 'err'}" role="status"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main>
<script nonce="${nonce}">
(function () {
  var message = ${payload};
  try { if (window.opener) window.opener.postMessage(message, '*'); } catch (e) {}
  try { var channel = new BroadcastChannel('pier_oauth'); channel.postMessage(message); channel.close(); } catch (e) {}
  setTimeout(function () { window.close(); }, ${outcome.ok ? 300 : 4000});
})();
</script></body></html>`;
}

/** A Content-Security-Policy that allows only this page's own nonce-bearing inline code. */
/**
 * The CSP of Pier's HTML pages. Framing is decided here alone (`frame-ancestors`): the Connect UI is
 * embeddable by design, the popup result page never is; no `X-Frame-Options` says otherwise.
 */
export function pageCsp(nonce: string, frameAncestors: '*' | "'none'"): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors ${frameAncestors}`;
}

export function newNonce(): string {
  return crypto.randomUUID().replace(/-/g, '');
}
