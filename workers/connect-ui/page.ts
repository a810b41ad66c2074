import { CONNECT_UI_JS } from './generated/bundles.js';

/** The Connect UI document: styles and the bundled app, both allowed by the page's CSP nonce. */
export function connectUiPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect an account</title>
<style nonce="${nonce}">${STYLES}</style></head>
<body><main id="app" aria-live="polite"></main>
<script nonce="${nonce}" type="module">${CONNECT_UI_JS.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
}

const STYLES = `
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--accent:#4f46e5;--accent-ink:#fff;--bad:#b42318;--ok:#067647;--bg:rgba(17,24,39,.45)}
*{box-sizing:border-box}html,body{margin:0;height:100%}
body{font:15px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);display:grid;place-items:center;padding:16px}
.card{background:#fff;width:100%;max-width:440px;min-height:360px;border-radius:16px;box-shadow:0 20px 60px rgba(0,0,0,.25);padding:20px 24px 24px;display:flex;flex-direction:column;gap:12px}
.card.centered{align-items:center;text-align:center;justify-content:center}
.top{display:flex;align-items:center;gap:8px;width:100%}.top h1{font-size:18px;margin:0;flex:1;text-align:left}
.icon{border:0;background:transparent;font-size:22px;line-height:1;width:36px;height:36px;border-radius:8px;cursor:pointer;color:var(--muted)}
.icon:hover,.icon:focus-visible{background:#f3f4f6;color:var(--ink)}
.lead{color:var(--muted);margin:0}
.search{width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:10px;font:inherit}
.list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px;max-height:50vh;overflow:auto}
.row{width:100%;display:flex;align-items:center;gap:12px;padding:10px 12px;border:1px solid var(--line);border-radius:10px;background:#fff;font:inherit;cursor:pointer;text-align:left}
.row:hover,.row:focus-visible{border-color:var(--accent);background:#f5f5ff}
.logo{width:32px;height:32px;border-radius:8px;background:#eef2ff;color:var(--accent);display:grid;place-items:center;font-weight:600}
.name{flex:1;font-weight:500}.chev{color:var(--muted);font-size:20px}.empty{color:var(--muted);padding:8px}
.form{display:flex;flex-direction:column;gap:14px}.field{display:flex;flex-direction:column;gap:4px}
label{font-weight:500}.opt{color:var(--muted);font-weight:400}.hint{color:var(--muted);margin:0;font-size:13px}
input,select{padding:10px 12px;border:1px solid var(--line);border-radius:10px;font:inherit}
input[aria-invalid=true],select[aria-invalid=true]{border-color:var(--bad)}
.field-error,.form-error{color:var(--bad);margin:0;font-size:13px;min-height:0}.field-error:empty,.form-error:empty{display:none}
.primary{background:var(--accent);color:var(--accent-ink);border:0;border-radius:10px;padding:11px 16px;font:inherit;font-weight:600;cursor:pointer}
.primary:disabled{opacity:.7;cursor:progress}.primary:focus-visible,.row:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #c7d2fe;outline-offset:1px}
.docs{color:var(--accent);font-size:13px;text-align:center}
.badge{width:56px;height:56px;border-radius:50%;display:grid;place-items:center;font-size:26px;font-weight:700;background:#f3f4f6;color:var(--muted)}
.badge.ok{background:#ecfdf3;color:var(--ok)}.badge.error{background:#fef3f2;color:var(--bad)}
@media (prefers-color-scheme:dark){.card{background:#111827;color:#f9fafb}.row,input,select,.search{background:#1f2937;color:#f9fafb;border-color:#374151}
.lead,.hint,.opt{color:#9ca3af}.logo{background:#312e81;color:#c7d2fe}.icon:hover{background:#1f2937}}
`;
