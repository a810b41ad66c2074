export * from './common.js';
export * from './environments.js';
export * from './errors.js';
export * from './integrations.js';
export * from './openapi.js';
export * from './provider-definition.js';
export * from './providers.js';
export * from './routes.js';
