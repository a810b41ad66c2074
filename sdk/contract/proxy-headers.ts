/** Header names of the proxy, in a module without zod (scripts bundle it). */

/** Header names of `ANY /proxy/*` (lower case; the reference API's names, plus Pier's wait control). */
export const PROXY_HEADERS = {
  connectionId: 'connection-id',
  providerConfigKey: 'provider-config-key',
  retries: 'retries',
  retryOn: 'retry-on',
  baseUrlOverride: 'base-url-override',
  decompress: 'decompress',
  forwardHeadersOnRedirect: 'forward-headers-on-redirect',
  /** Seconds the call may wait for the connection's rate limit to reset; 0 fails fast with 429. */
  rateLimitWait: 'pier-rate-limit-wait',
} as const;

/** Response headers Pier adds to a proxied response. */
export const PROXY_RESPONSE_HEADERS = {
  /** How many times Pier retried before this response. */
  retries: 'pier-proxy-retries',
} as const;
