/**
 * The Connect UI, running in the end user's browser (bundled by scripts/build-browser.ts).
 * Opened by link (`/connect/?session_token=…`) or inside the frontend SDK's iframe, where it speaks
 * the iframe protocol: it posts `ready`, receives `session_token`, and posts `connect`, `error`, `close`.
 */
import type { ConnectSessionInfo } from '../../../sdk/contract/connect-sessions.js';
import { AuthError, Pier } from '../../../sdk/frontend/index.js';

type Integration = ConnectSessionInfo['integrations'][number];
type Field = Integration['fields'][number];

const embedded = window.parent !== window;
const root = document.getElementById('app') as HTMLElement;
let token: string | undefined = new URLSearchParams(location.search).get('session_token') ?? undefined;
let session: ConnectSessionInfo | undefined;

function post(message: object): void {
  if (embedded) window.parent.postMessage(message, '*');
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node: HTMLElementTagNameMap[K] = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function close(): void {
  post({ type: 'close' });
  if (!embedded) render(messageScreen('You can close this tab.', ''));
}

function frame(title: string, body: Node[], options: { back?: () => void } = {}): HTMLElement {
  const header = el('header', { className: 'top' });
  if (options.back)
    header.append(el('button', { className: 'icon', type: 'button', ariaLabel: 'Back', onclick: options.back }, '←'));
  header.append(el('h1', { id: 'title' }, title));
  header.append(el('button', { className: 'icon close', type: 'button', ariaLabel: 'Close', onclick: close }, '×'));
  const card = el('section', { className: 'card' }, header, ...body);
  card.setAttribute('role', 'dialog');
  card.setAttribute('aria-modal', 'true');
  card.setAttribute('aria-labelledby', 'title');
  return card;
}

function render(card: HTMLElement, focus?: HTMLElement | null): void {
  root.replaceChildren(card);
  (focus ?? card.querySelector<HTMLElement>('input, button:not(.icon), a'))?.focus();
}

function messageScreen(
  title: string,
  text: string,
  action?: { label: string; run: () => void },
  tone: 'ok' | 'error' | 'plain' | 'loading' = 'plain',
) {
  const body: Node[] = [];
  if (tone === 'loading') body.push(el('div', { className: 'spinner', role: 'progressbar', ariaLabel: title }));
  else if (tone !== 'plain')
    body.push(el('div', { className: `badge ${tone}`, ariaHidden: 'true' }, tone === 'ok' ? '✓' : '!'));
  if (text) body.push(el('p', { className: 'lead' }, text));
  if (action) body.push(el('button', { className: 'primary', type: 'button', onclick: action.run }, action.label));
  const card = frame(title, body);
  card.classList.add('centered');
  return card;
}

function describeError(error: unknown): string {
  if (error instanceof AuthError) {
    switch (error.type) {
      case 'window_closed':
        return 'The sign-in window was closed before you finished. Try again when you are ready.';
      case 'blocked_by_browser':
        return 'Your browser blocked the sign-in window. Allow pop-ups for this site and try again.';
      case 'invalid_connect_session':
      case 'missing_connect_session_token':
        return 'This connection link has expired or is not valid. Go back to the app and start again.';
      default:
        return error.message;
    }
  }
  return 'Something went wrong. Please try again.';
}

function listScreen(): void {
  const integrations = session?.integrations ?? [];
  if (integrations.length === 0) {
    render(
      messageScreen(
        'Nothing to connect',
        'No integrations are available for this link. Ask the app to set one up.',
        undefined,
        'error',
      ),
    );
    return;
  }
  if (integrations.length === 1 && integrations[0]) {
    formScreen(integrations[0], false);
    return;
  }
  const search = el('input', {
    type: 'search',
    placeholder: 'Search integrations',
    className: 'search',
    ariaLabel: 'Search integrations',
  });
  const list = el('ul', { className: 'list' });
  const fill = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = integrations.filter((i) => `${i.display_name} ${i.provider}`.toLowerCase().includes(needle));
    list.replaceChildren(
      ...shown.map((i) =>
        el(
          'li',
          {},
          el(
            'button',
            { type: 'button', className: 'row', onclick: () => formScreen(i, true) },
            logo(i),
            el('span', { className: 'name' }, i.display_name),
            el('span', { className: 'chev', ariaHidden: 'true' }, '›'),
          ),
        ),
      ),
    );
    if (shown.length === 0) list.append(el('li', { className: 'empty' }, `No integration matches “${search.value}”.`));
  };
  search.addEventListener('input', fill);
  fill();
  render(
    frame('Connect an account', [
      el('p', { className: 'lead' }, 'Choose the service you want to connect.'),
      search,
      list,
    ]),
    search,
  );
}

const POPUP_MODES = new Set(['OAUTH2', 'OAUTH1', 'APP']);

/** The provider's mark in its brand colour, or its initial when the catalog has none. */
function logo(integration: Integration): HTMLElement {
  const box = el('span', { className: 'logo', ariaHidden: 'true' });
  if (!integration.logo || !/^[0-9A-Fa-f]{6}$/.test(integration.logo.hex)) {
    box.append(integration.display_name.slice(0, 1).toUpperCase());
    return box;
  }
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', integration.logo.path);
  path.setAttribute('fill', `#${integration.logo.hex}`);
  svg.append(path);
  box.classList.add('mark');
  box.append(svg);
  return box;
}

/** Checks one field as the user typed it; shows or clears its message. */
function checkField(field: Field, input: HTMLInputElement | HTMLSelectElement): { value: string; problem: string } {
  const error = document.getElementById(`${input.id}-error`) as HTMLElement;
  let value = input.value.trim();
  if (field.prefix && value.startsWith(field.prefix)) value = value.slice(field.prefix.length);
  let problem = '';
  if (!value && !field.optional) problem = `${field.title} is required.`;
  else if (value && field.pattern && !new RegExp(field.pattern).test(value))
    problem = `${field.title} doesn’t look right. Check it and try again.`;
  error.textContent = problem;
  input.setAttribute('aria-invalid', problem ? 'true' : 'false');
  return { value, problem };
}

/**
 * The app's look: the session's `theme` (primary colour, light/dark/system), overridable by the
 * embedding page through the link (`?primary=%23…&scheme=dark`), which the frontend SDK sets.
 */
function applyTheme(theme: { primary_color?: string; color_scheme?: string } | undefined): void {
  const query = new URLSearchParams(location.search);
  const primary = query.get('primary') ?? theme?.primary_color;
  const scheme = query.get('scheme') ?? theme?.color_scheme;
  if (primary && /^#[0-9a-fA-F]{6}$/.test(primary)) document.documentElement.style.setProperty('--accent', primary);
  if (scheme === 'light' || scheme === 'dark') document.documentElement.dataset.scheme = scheme;
}
applyTheme(undefined);

function formScreen(integration: Integration, canGoBack: boolean): void {
  const form = el('form', { className: 'form', noValidate: true });
  const inputs = new Map<Field, HTMLInputElement | HTMLSelectElement>();
  for (const field of integration.fields) {
    const id = `f-${field.in}-${field.name}`;
    const label = el(
      'label',
      { htmlFor: id },
      field.title,
      field.optional ? el('span', { className: 'opt' }, ' (optional)') : '',
    );
    let input: HTMLInputElement | HTMLSelectElement;
    if (field.enum) {
      const labels = field.enum_labels ?? {};
      input = el(
        'select',
        { id, name: field.name },
        ...field.enum.map((v) => el('option', { value: v }, labels[v] ?? v)),
      );
      if (field.optional) input.prepend(el('option', { value: '' }, '—'));
    } else {
      input = el('input', {
        id,
        name: field.name,
        type: field.secret ? 'password' : 'text',
        autocomplete: 'off',
        spellcheck: false,
      });
      if (field.example) input.placeholder = field.example;
      else if (field.prefix) input.placeholder = `${field.prefix}…`;
    }
    if (field.default_value) input.value = field.default_value;
    // Once a field was flagged, its message follows what the user types (and goes when it is right).
    input.addEventListener('input', () => {
      if (input.getAttribute('aria-invalid') === 'true') checkField(field, input);
    });
    const error = el('p', { className: 'field-error', id: `${id}-error` });
    input.setAttribute('aria-describedby', `${id}-error`);
    inputs.set(field, input);
    const wrap = el('div', { className: 'field' }, label);
    if (field.description) wrap.append(el('p', { className: 'hint' }, field.description));
    wrap.append(input, error);
    form.append(wrap);
  }
  const status = el('p', { className: 'form-error', role: 'alert' });
  const submit = el(
    'button',
    { className: 'primary', type: 'submit' },
    POPUP_MODES.has(integration.auth_mode) ? `Continue to ${integration.display_name}` : 'Connect',
  );
  form.append(status, submit);
  if (integration.docs_connect)
    form.append(
      el(
        'a',
        { href: integration.docs_connect, target: '_blank', rel: 'noopener', className: 'docs' },
        'How do I find these details?',
      ),
    );

  const validate = (): { credentials: Record<string, string>; params: Record<string, string> } | undefined => {
    const credentials: Record<string, string> = {};
    const params: Record<string, string> = {};
    let firstBad: HTMLElement | undefined;
    for (const [field, input] of inputs) {
      const { value, problem } = checkField(field, input);
      if (problem) firstBad ??= input;
      if (value) (field.in === 'credentials' ? credentials : params)[field.name] = value;
    }
    if (firstBad) {
      firstBad.focus();
      return undefined;
    }
    return { credentials, params };
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = validate();
    if (!values || !token) return;
    status.textContent = '';
    const pier = new Pier({ connectSessionToken: token, host: location.origin });
    const popup = POPUP_MODES.has(integration.auth_mode);
    const credentialsType = { API_KEY: 'API_KEY', BASIC: 'BASIC', OAUTH2_CC: 'OAUTH2_CC', JWT: 'JWT' }[
      integration.auth_mode
    ];
    // The popup must open inside this click handler, before anything asynchronous.
    const running =
      integration.auth_mode === 'NONE'
        ? pier.create(integration.unique_key, values.params)
        : popup
          ? pier.auth(integration.unique_key, { params: values.params })
          : pier.auth(integration.unique_key, {
              params: values.params,
              credentials: { ...values.credentials, type: credentialsType } as never,
            });
    submit.disabled = true;
    submit.textContent = popup ? 'Waiting for you to finish in the new window…' : 'Connecting…';
    running.then(
      (result) => {
        post({ type: 'connect', payload: result });
        render(
          messageScreen(
            `${integration.display_name} connected`,
            'You can return to the app now.',
            { label: 'Done', run: close },
            'ok',
          ),
        );
      },
      (error: unknown) => {
        const message = describeError(error);
        post({
          type: 'error',
          payload: { errorType: error instanceof AuthError ? error.type : 'unknown_error', errorMessage: message },
        });
        submit.disabled = false;
        submit.textContent = popup ? `Continue to ${integration.display_name}` : 'Connect';
        status.textContent = message;
      },
    );
  });
  const intro = POPUP_MODES.has(integration.auth_mode)
    ? `You’ll sign in to ${integration.display_name} in a new window and approve access.`
    : `Enter your ${integration.display_name} details.`;
  render(
    frame(
      `Connect ${integration.display_name}`,
      [el('div', { className: 'intro' }, logo(integration), el('p', { className: 'lead' }, intro)), form],
      canGoBack ? { back: listScreen } : {},
    ),
  );
}

async function load(): Promise<void> {
  if (!token) {
    render(
      messageScreen(
        'Link incomplete',
        'This connection link is missing its session. Go back to the app and start again.',
        undefined,
        'error',
      ),
    );
    return;
  }
  render(messageScreen('Loading…', '', undefined, 'loading'));
  let response: Response;
  try {
    response = await fetch('/connect/session', { headers: { authorization: `Bearer ${token}` } });
  } catch {
    render(
      messageScreen(
        'Can’t reach the server',
        'Check your connection and try again.',
        { label: 'Try again', run: () => void load() },
        'error',
      ),
    );
    return;
  }
  if (response.status === 401) {
    // An unknown token and an expired one look the same from here: say both.
    render(
      messageScreen(
        'Link not valid',
        'This connection link has expired or is not valid. Go back to the app and start again.',
        undefined,
        'error',
      ),
    );
    post({
      type: 'error',
      payload: { errorType: 'missing_connect_session_token', errorMessage: 'The connect session expired' },
    });
    return;
  }
  if (!response.ok) {
    render(
      messageScreen(
        'Something went wrong',
        'Please try again in a moment.',
        { label: 'Try again', run: () => void load() },
        'error',
      ),
    );
    return;
  }
  session = ((await response.json()) as { data: ConnectSessionInfo }).data;
  applyTheme(session.theme);
  listScreen();
}

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') close();
});

if (embedded && !token) {
  render(messageScreen('Loading…', '', undefined, 'loading'));
  setTimeout(() => {
    if (!token)
      render(
        messageScreen(
          'Link incomplete',
          'The app did not provide a connect session. Close this and try again.',
          undefined,
          'error',
        ),
      );
  }, 10_000);
  window.addEventListener('message', (event) => {
    const data = event.data as { type?: string; sessionToken?: string } | undefined;
    if (event.source !== window.parent || data?.type !== 'session_token' || !data.sessionToken) return;
    const first = !token;
    token = data.sessionToken;
    if (first) void load();
  });
  post({ type: 'ready' });
} else {
  if (embedded) post({ type: 'ready' });
  void load();
}
