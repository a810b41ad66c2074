/**
 * Pier's frontend SDK: open the Connect UI, or run an auth flow from your own UI.
 *
 * @example
 * const pier = new Pier({ connectSessionToken, host: 'https://pier.example.com' });
 * pier.openConnectUI({ onEvent: (e) => { if (e.type === 'connect') save(e.payload.connectionId) } });
 */

export type AuthErrorType =
  | 'missing_auth_token'
  | 'blocked_by_browser'
  | 'invalid_host_url'
  | 'missing_credentials'
  | 'window_closed'
  | 'connection_test_failed'
  | 'missing_connect_session_token'
  | 'connection_validation_failed'
  | 'unknown_error';

/** Thrown (as a rejected promise) by `auth()`. `type` tells what went wrong. */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    message: string,
    readonly type: AuthErrorType | string,
  ) {
    super(message);
  }
}

export type AuthResult = { providerConfigKey: string; connectionId: string; isPending: boolean };

export type ConnectUIEvent =
  | { type: 'ready' }
  | { type: 'close' }
  | { type: 'connect'; payload: AuthResult }
  | { type: 'error'; payload: { errorType: string; errorMessage: string } };

export type Credentials =
  | { type?: 'API_KEY'; apiKey: string }
  | { type?: 'BASIC'; username: string; password: string }
  | { type?: 'OAUTH2_CC'; client_id: string; client_secret: string }
  | ({ type: 'JWT' } & Record<string, string>);

export type AuthOptions = {
  /** Connection-config values (e.g. `{ subdomain: 'acme' }`). */
  params?: Record<string, string>;
  /** Extra parameters for the provider's authorization URL. */
  authorization_params?: Record<string, string>;
  user_scope?: string[];
  /** For API-key, basic, client-credentials and JWT providers: what the user entered. */
  credentials?: Credentials;
  /** Reject with `window_closed` when the user closes the popup. Default true. */
  detectClosedAuthWindow?: boolean;
};

export type PierFrontendOptions = {
  connectSessionToken?: string;
  host: string;
  /** Path of the WebSocket endpoint, relative to `host`. Default `/`. */
  websocketsPath?: string;
  width?: number;
  height?: number;
};

const POPUP_MESSAGES = new Set(['pier_oauth_callback_success', 'pier_oauth_callback_error']);

export class Pier {
  readonly #host: string;
  readonly #wsUrl: string;
  #token: string | undefined;
  readonly #width: number;
  readonly #height: number;

  constructor(options: PierFrontendOptions) {
    let host: URL;
    try {
      host = new URL(options.host);
    } catch {
      throw new AuthError('Invalid URL provided for the Pier host', 'invalid_host_url');
    }
    this.#host = host.toString().replace(/\/+$/, '');
    this.#wsUrl = new URL(options.websocketsPath ?? '/', host).toString().replace(/^http/, 'ws');
    this.#token = options.connectSessionToken;
    this.#width = options.width ?? 500;
    this.#height = options.height ?? 600;
  }

  /** Replaces the connect session token (e.g. after fetching a new one from your backend). */
  setSessionToken(token: string): void {
    this.#token = token;
  }

  /**
   * Opens the Connect UI in a full-screen iframe. Events: `ready`, `connect`, `error`, `close`.
   *
   * @example const ui = pier.openConnectUI({ onEvent: console.log }); ui.close();
   */
  openConnectUI(
    options: {
      onEvent?: (event: ConnectUIEvent) => void;
      baseURL?: string;
      /** The Connect UI's look: the app's primary colour (`#rrggbb`) and light, dark or the system's. */
      theme?: { primaryColor?: string; colorScheme?: 'light' | 'dark' | 'system' };
    } = {},
  ): ConnectUI {
    const base = new URL(options.baseURL ?? `${this.#host}/connect/`);
    if (options.theme?.primaryColor) base.searchParams.set('primary', options.theme.primaryColor);
    if (options.theme?.colorScheme) base.searchParams.set('scheme', options.theme.colorScheme);
    const ui = new ConnectUI({
      sessionToken: this.#token,
      baseURL: base.toString(),
      onEvent: options.onEvent,
    });
    ui.open();
    return ui;
  }

  /**
   * Connects an integration from your own UI. OAuth providers open a popup (call this from a click
   * handler); API-key, basic, client-credentials and JWT providers take `options.credentials`.
   *
   * @example const { connectionId } = await pier.auth('github');
   * @example await pier.auth('openai', { credentials: { apiKey: 'sk-…' } });
   */
  auth(integration: string, options: AuthOptions = {}): Promise<AuthResult> {
    if (!this.#token)
      return Promise.reject(new AuthError('A connect session token is required', 'missing_connect_session_token'));
    if (options.credentials) return this.#credentialAuth(integration, options.credentials, options.params ?? {});
    return this.#popupAuth(integration, options);
  }

  /** Connects an integration that needs no credentials. */
  create(integration: string, params: Record<string, string> = {}): Promise<AuthResult> {
    if (!this.#token)
      return Promise.reject(new AuthError('A connect session token is required', 'missing_connect_session_token'));
    return this.#post(`/auth/unauthenticated/${encodeURIComponent(integration)}`, {}, params);
  }

  async #credentialAuth(
    integration: string,
    credentials: Credentials,
    params: Record<string, string>,
  ): Promise<AuthResult> {
    const type =
      credentials.type ??
      ('apiKey' in credentials
        ? 'API_KEY'
        : 'client_id' in credentials
          ? 'OAUTH2_CC'
          : 'username' in credentials
            ? 'BASIC'
            : 'JWT');
    const path = {
      API_KEY: '/api-auth/api-key/',
      BASIC: '/api-auth/basic/',
      OAUTH2_CC: '/oauth2/auth/',
      JWT: '/auth/jwt/',
    }[type];
    const { type: _type, ...body } = credentials as Record<string, string>;
    return this.#post(`${path}${encodeURIComponent(integration)}`, body, params);
  }

  async #post(path: string, body: Record<string, string>, params: Record<string, string>): Promise<AuthResult> {
    const url = new URL(this.#host + path);
    url.searchParams.set('connect_session_token', this.#token ?? '');
    for (const [k, v] of Object.entries(params)) url.searchParams.set(`params[${k}]`, v);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw new AuthError('Pier could not be reached', 'unknown_error');
    }
    const json = (await response.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string };
    } & Partial<AuthResult>;
    if (!response.ok)
      throw new AuthError(json.error?.message ?? `HTTP ${response.status}`, json.error?.code ?? 'unknown_error');
    return {
      providerConfigKey: json.providerConfigKey ?? '',
      connectionId: json.connectionId ?? '',
      isPending: Boolean(json.isPending),
    };
  }

  #popupAuth(integration: string, options: AuthOptions): Promise<AuthResult> {
    // Opened synchronously, inside the user's click, or popup blockers refuse it.
    const left = Math.max(0, (window.screen.width - this.#width) / 2);
    const top = Math.max(0, (window.screen.height - this.#height) / 2);
    const popup = window.open(
      '',
      '_blank',
      `width=${this.#width},height=${this.#height},left=${left},top=${top},scrollbars=yes,resizable=yes`,
    );
    if (!popup) return Promise.reject(new AuthError('The browser blocked the sign-in window', 'blocked_by_browser'));

    const url = new URL(`${this.#host}/oauth/connect/${encodeURIComponent(integration)}`);
    url.searchParams.set('connect_session_token', this.#token ?? '');
    for (const [k, v] of Object.entries(options.params ?? {})) url.searchParams.set(`params[${k}]`, v);
    for (const [k, v] of Object.entries(options.authorization_params ?? {}))
      url.searchParams.set(`authorization_params[${k}]`, v);
    if (options.user_scope?.length) url.searchParams.set('user_scope', options.user_scope.join(','));

    return new Promise<AuthResult>((resolve, reject) => {
      let settled = false;
      let socket: WebSocket | undefined;
      let channel: BroadcastChannel | undefined;
      let watcher: ReturnType<typeof setInterval> | undefined;
      const finish = (outcome: { ok: true; result: AuthResult } | { ok: false; error: AuthError }) => {
        if (settled) return;
        settled = true;
        window.removeEventListener('message', onMessage);
        channel?.close();
        if (watcher) clearInterval(watcher);
        socket?.close();
        setTimeout(() => popup.close(), 300);
        if (outcome.ok) resolve(outcome.result);
        else reject(outcome.error);
      };
      const fromPopupMessage = (data: unknown) => {
        if (!data || typeof data !== 'object' || !POPUP_MESSAGES.has((data as { type?: string }).type ?? '')) return;
        const m = data as {
          type: string;
          providerConfigKey?: string;
          connectionId?: string;
          errorType?: string;
          errorMessage?: string;
        };
        if (m.type === 'pier_oauth_callback_success')
          finish({
            ok: true,
            result: {
              providerConfigKey: m.providerConfigKey ?? integration,
              connectionId: m.connectionId ?? '',
              isPending: false,
            },
          });
        else
          finish({
            ok: false,
            error: new AuthError(m.errorMessage ?? 'Sign-in failed', m.errorType ?? 'unknown_error'),
          });
      };
      const onMessage = (event: MessageEvent) => {
        if (event.origin === new URL(this.#host).origin) fromPopupMessage(event.data);
      };
      window.addEventListener('message', onMessage);
      try {
        channel = new BroadcastChannel('pier_oauth');
        channel.onmessage = (event) => fromPopupMessage(event.data);
      } catch {
        channel = undefined;
      }
      const navigate = (wsClientId?: string) => {
        if (wsClientId) url.searchParams.set('ws_client_id', wsClientId);
        popup.location.href = url.toString();
      };
      try {
        socket = new WebSocket(this.#wsUrl);
        let navigated = false;
        socket.onmessage = (event) => {
          const data = JSON.parse(String(event.data)) as Record<string, string | boolean>;
          if (data.message_type === 'connection_ack' && !navigated) {
            navigated = true;
            navigate(String(data.ws_client_id));
          } else if (data.message_type === 'success')
            finish({
              ok: true,
              result: {
                providerConfigKey: String(data.provider_config_key),
                connectionId: String(data.connection_id),
                isPending: Boolean(data.is_pending),
              },
            });
          else if (data.message_type === 'error')
            finish({ ok: false, error: new AuthError(String(data.error_desc), String(data.error_type)) });
        };
        // Without a socket the popup's postMessage still reports the outcome.
        socket.onerror = () => {
          if (!navigated) {
            navigated = true;
            navigate();
          }
        };
      } catch {
        navigate();
      }
      if (options.detectClosedAuthWindow !== false)
        watcher = setInterval(() => {
          // Give the socket a moment: the popup may close itself right after reporting success.
          if (!popup.closed) return;
          clearInterval(watcher);
          setTimeout(
            () => finish({ ok: false, error: new AuthError('The sign-in window was closed', 'window_closed') }),
            1500,
          );
        }, 500);
    });
  }
}

/** The Connect UI iframe and its message protocol (`ready` → `session_token`; `connect`, `error`, `close`). */
export class ConnectUI {
  #iframe: HTMLIFrameElement | undefined;
  #listener: ((event: MessageEvent) => void) | undefined;
  #ready = false;
  #token: string | undefined;
  readonly #baseURL: string;
  readonly #onEvent: ((event: ConnectUIEvent) => void) | undefined;

  constructor(options: { sessionToken?: string; baseURL: string; onEvent?: (event: ConnectUIEvent) => void }) {
    this.#token = options.sessionToken;
    this.#baseURL = options.baseURL;
    this.#onEvent = options.onEvent;
  }

  open(): void {
    if (this.#iframe?.isConnected) return;
    const iframe = document.createElement('iframe');
    iframe.src = this.#baseURL;
    iframe.id = 'pier-connect-ui';
    iframe.title = 'Connect an account';
    iframe.setAttribute(
      'style',
      'position:fixed;inset:0;width:100vw;height:100vh;border:0;z-index:2147483000;background:transparent',
    );
    document.body.append(iframe);
    this.#iframe = iframe;
    const origin = new URL(this.#baseURL).origin;
    this.#listener = (event: MessageEvent) => {
      if (event.origin !== origin || event.source !== iframe.contentWindow) return;
      const data = event.data as ConnectUIEvent | undefined;
      if (!data || typeof data !== 'object' || !('type' in data)) return;
      if (data.type === 'ready') {
        this.#ready = true;
        this.#sendToken();
      }
      if (data.type === 'close') this.close();
      this.#onEvent?.(data);
    };
    window.addEventListener('message', this.#listener);
  }

  setSessionToken(token: string): void {
    this.#token = token;
    if (this.#ready) this.#sendToken();
  }

  close(): void {
    if (this.#listener) window.removeEventListener('message', this.#listener);
    this.#listener = undefined;
    this.#iframe?.remove();
    this.#iframe = undefined;
    this.#ready = false;
  }

  #sendToken(): void {
    if (!this.#token || !this.#iframe?.contentWindow) return;
    this.#iframe.contentWindow.postMessage(
      { type: 'session_token', sessionToken: this.#token },
      new URL(this.#baseURL).origin,
    );
  }
}
