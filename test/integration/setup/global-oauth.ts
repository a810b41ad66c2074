import type { TestProject } from 'vitest/node';
import { startFakeCloudflareApi } from '../../e2e/support/fake-cloudflare-api.js';
import { startFakeProviderApi } from '../../e2e/support/fake-provider-api.js';
import { startFakeGitHubApp, startOAuth1Server } from '../../e2e/support/fake-providers.js';
import { startOAuthServer } from '../../e2e/support/oauth-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    oauth: { url: string; clientId: string; clientSecret: string };
    oauth1: { url: string; consumerKey: string; consumerSecret: string };
    githubApp: { url: string; appId: string; privateKeyPem: string };
    providerApi: { url: string };
    cloudflareApi: { url: string; token: string };
  }
}

/** Real protocol counterparts on loopback for the workerd tests, stopped after the run. */
export default async function setup(project: TestProject) {
  const server = await startOAuthServer({
    redirectUris: ['http://pier.test/oauth/callback'],
    accessTokenTtlSeconds: 60,
  });
  const consumer = { key: 'pier-consumer', secret: 'consumer-secret' };
  const oauth1 = await startOAuth1Server(consumer);
  const app = await startFakeGitHubApp({ appId: '4242', tokenTtlSeconds: 3600 });
  const providerApi = await startFakeProviderApi();
  const cloudflareApi = await startFakeCloudflareApi();
  project.provide('oauth', { url: server.url, clientId: server.clientId, clientSecret: server.clientSecret });
  project.provide('oauth1', { url: oauth1.url, consumerKey: consumer.key, consumerSecret: consumer.secret });
  project.provide('githubApp', { url: app.url, appId: '4242', privateKeyPem: app.privateKeyPem });
  project.provide('providerApi', { url: providerApi.url });
  project.provide('cloudflareApi', { url: cloudflareApi.url, token: cloudflareApi.token });
  return async () => {
    await Promise.all([server.close(), oauth1.close(), app.close(), providerApi.close(), cloudflareApi.close()]);
  };
}
