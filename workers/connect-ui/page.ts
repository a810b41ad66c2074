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

/** Dark colours: for the system setting, or when the app asks for them (`data-scheme`). */
const DARK =
  '--ink:#f9fafb;--muted:#9ca3af;--line:#374151;--card:#111827;--field:#1f2937;--hover:#1f2937;--logo:#312e81;--logo-ink:#c7d2fe;--row-hover:#1e1b4b';

const STYLES = `
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--accent:#4f46e5;--accent-ink:#fff;--bad:#b42318;--ok:#067647;--bg:rgba(17,24,39,.45);
--card:#fff;--field:#fff;--hover:#f3f4f6;--logo:#eef2ff;--logo-ink:var(--accent);--row-hover:#f5f5ff}
@media (prefers-color-scheme:dark){:root:not([data-scheme=light]){${DARK}}}
:root[data-scheme=dark]{${DARK}}
*{box-sizing:border-box}html,body{margin:0;height:100%}
body{font:15px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);display:grid;grid-template-columns:minmax(0,1fr);place-items:center;padding:16px}
#app{width:100%;display:flex;justify-content:center}
.card{background:var(--card);color:var(--ink);width:min(440px,100%);min-height:360px;border-radius:16px;box-shadow:0 20px 60px rgba(0,0,0,.25);padding:20px 24px 24px;display:flex;flex-direction:column;gap:12px}
.card.centered{align-items:center;text-align:center}.card.centered>.top{align-self:stretch;margin-bottom:auto}.card.centered>:last-child{margin-bottom:auto}
.top{display:flex;align-items:center;gap:8px;width:100%}.top h1{font-size:18px;margin:0;flex:1;text-align:left}
.icon{border:0;background:transparent;font-size:22px;line-height:1;width:36px;height:36px;border-radius:8px;cursor:pointer;color:var(--muted)}
.icon:hover,.icon:focus-visible{background:var(--hover);color:var(--ink)}
.lead{color:var(--muted);margin:0}
.search{width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:10px;font:inherit;background:var(--field);color:var(--ink)}
.list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px;max-height:50vh;overflow:auto}
.row{width:100%;display:flex;align-items:center;gap:12px;padding:10px 12px;border:1px solid var(--line);border-radius:10px;background:var(--field);color:var(--ink);font:inherit;cursor:pointer;text-align:left}
.row:hover,.row:focus-visible{border-color:var(--accent);background:var(--row-hover)}
.logo{width:32px;height:32px;border-radius:8px;background:var(--logo);color:var(--logo-ink);display:grid;place-items:center;font-weight:600;flex:none}
.logo.mark{background:#fff;border:1px solid var(--line)}.intro{display:flex;align-items:center;gap:12px}
.name{flex:1;font-weight:500}.chev{color:var(--muted);font-size:20px}.empty{color:var(--muted);padding:8px}
.form{display:flex;flex-direction:column;gap:14px}.field{display:flex;flex-direction:column;gap:4px}
label{font-weight:500}.opt{color:var(--muted);font-weight:400}.hint{color:var(--muted);margin:0;font-size:13px}
input,select{padding:10px 12px;border:1px solid var(--line);border-radius:10px;font:inherit;background:var(--field);color:var(--ink);min-width:0}
input[aria-invalid=true],select[aria-invalid=true]{border-color:var(--bad)}
.field-error,.form-error{color:var(--bad);margin:0;font-size:13px;min-height:0}.field-error:empty,.form-error:empty{display:none}
.primary{background:var(--accent);color:var(--accent-ink);border:0;border-radius:10px;padding:11px 16px;font:inherit;font-weight:600;cursor:pointer}
.primary:disabled{opacity:.7;cursor:progress}
.primary:focus-visible,.row:focus-visible,input:focus-visible,select:focus-visible,.icon:focus-visible,.docs:focus-visible{outline:3px solid color-mix(in srgb,var(--accent) 45%,transparent);outline-offset:1px}
.docs{color:var(--accent);font-size:13px;text-align:center}
.badge{width:56px;height:56px;border-radius:50%;display:grid;place-items:center;font-size:26px;font-weight:700;background:var(--hover);color:var(--muted);flex:none}
.badge.ok{background:#ecfdf3;color:var(--ok)}.badge.error{background:#fef3f2;color:var(--bad)}
.spinner{width:40px;height:40px;border-radius:50%;border:4px solid var(--line);border-top-color:var(--accent);animation:spin .8s linear infinite;flex:none}
@keyframes spin{to{transform:rotate(360deg)}}@media (prefers-reduced-motion:reduce){.spinner{animation-duration:3s}}
`;
