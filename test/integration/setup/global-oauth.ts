import type { TestProject } from 'vitest/node';
import { startOAuthServer } from '../../e2e/support/oauth-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    oauth: { url: string; clientId: string; clientSecret: string };
  }
}

/** A real OAuth server (oidc-provider) on loopback for the workerd tests, stopped after the run. */
export default async function setup(project: TestProject) {
  const server = await startOAuthServer({
    redirectUris: ['http://pier.test/oauth/callback'],
    accessTokenTtlSeconds: 60,
  });
  project.provide('oauth', { url: server.url, clientId: server.clientId, clientSecret: server.clientSecret });
  return () => server.close();
}
