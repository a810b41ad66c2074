import { type WebhookSettings, webhookSettingsSchema } from '../../sdk/contract/environments.js';

/**
 * Which events go out, and where. Nango's semantics: a `sync` event with changes always goes; an
 * empty one only with `on_sync_completion_always`; sync failures only with `on_sync_error`; auth
 * creations/overrides only with `on_auth_creation`; refresh failures only with
 * `on_auth_refresh_error`; async action completions only with `on_async_action_completion`;
 * `forward` whenever the integration forwards (its `forward_webhooks`).
 */
export type EventTrigger =
  | 'sync_changes'
  | 'sync_empty'
  | 'sync_error'
  | 'auth_creation'
  | 'auth_refresh_error'
  | 'async_action'
  | 'forward'
  | 'test';

export type Destination = { destination: 'primary' | 'secondary' | 'override'; url: string };

export function parseWebhookSettings(text: string): WebhookSettings {
  try {
    const parsed = webhookSettingsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function triggerEnabled(settings: WebhookSettings, trigger: EventTrigger): boolean {
  switch (trigger) {
    case 'sync_changes':
    case 'forward':
    case 'test':
      return true;
    case 'sync_empty':
      return settings.on_sync_completion_always === true;
    case 'sync_error':
      return settings.on_sync_error === true;
    case 'auth_creation':
      return settings.on_auth_creation === true;
    case 'auth_refresh_error':
      return settings.on_auth_refresh_error === true;
    case 'async_action':
      return settings.on_async_action_completion === true;
  }
}

/** The environment's URLs, or the connection's override instead of both. */
export function destinationsFor(settings: WebhookSettings, override: string | null | undefined): Destination[] {
  if (override) return [{ destination: 'override', url: override }];
  const out: Destination[] = [];
  if (settings.primary_url) out.push({ destination: 'primary', url: settings.primary_url });
  if (settings.secondary_url && settings.secondary_url !== settings.primary_url)
    out.push({ destination: 'secondary', url: settings.secondary_url });
  return out;
}
