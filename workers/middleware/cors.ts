import { cors } from 'hono/cors';

/**
 * Browser-facing routes are called from the app's own pages (the frontend SDK) on another origin.
 * They authenticate with a connect session token, never cookies, so any origin may call them.
 */
export const browserCors = cors({
  origin: '*',
  allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowHeaders: ['authorization', 'content-type'],
  maxAge: 600,
});
