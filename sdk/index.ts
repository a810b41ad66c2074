/** Pier's backend SDK: `new Pier({ secretKey, host })`, its error class, and the API contract types. */
export {
  type ActionInput,
  type ActionOutput,
  Pier,
  type PierOptions,
  type RecordMetadata,
  type SyncStatusEntry,
} from './client.js';
export * from './contract/index.js';
export { PierError } from './errors.js';
export { type PageRequest, type PageResponse, type PaginateConfig, paginate } from './paginate.js';
export { type PaginatedProxyConfig, type ProxyConfig, type ProxyResponse, ProxyUpstreamError } from './proxy.js';
