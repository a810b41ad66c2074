/**
 * Pier's script SDK: what integration scripts import. The CLI resolves `import … from 'nango'` here,
 * so scripts written for Nango's zero-YAML layout compile unchanged.
 */
export {
  type ScriptContext as NangoAction,
  ScriptContext,
  type ScriptContext as NangoSync,
  type ScriptProxyConfig as ProxyConfiguration,
  type ScriptProxyConfig,
  ScriptProxyError,
  type ScriptProxyResponse,
} from './context.js';
export {
  type ActionDefinition,
  ActionError,
  type Checkpoint,
  createAction,
  createOnEvent,
  createSync,
  type OnEventDefinition,
  type ScriptDefinition,
  type SyncDefinition,
} from './define.js';
