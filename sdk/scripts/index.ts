/**
 * Pier's script SDK: what integration scripts import. The CLI resolves `import … from 'nango'` here,
 * so scripts written for Nango's zero-YAML layout compile unchanged.
 */
export { type ScriptContext as NangoAction, ScriptContext, type ScriptContext as NangoSync, ScriptProxyError, type ScriptProxyConfig as ProxyConfiguration, type ScriptProxyConfig, type ScriptProxyResponse } from './context.js';
export {
  ActionError,
  type ActionDefinition,
  type Checkpoint,
  createAction,
  createOnEvent,
  createSync,
  type OnEventDefinition,
  type ScriptDefinition,
  type SyncDefinition,
} from './define.js';
