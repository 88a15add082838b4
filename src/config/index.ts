// The config component: one settings table, one loader, text generated from the table.
export type { Config, ConfigResult, ConfigSource, HostPort, LogLevel, ParseKind, Role, Setting } from './types.js';
export { LOG_LEVELS, ROLES } from './types.js';
export { REMOVED, SETTINGS, settingsForRole, type RemovedSetting } from './settings.js';
export { loadConfig, type LoadOptions } from './load.js';
export { renderEffectiveConfig, renderHelp } from './render.js';
export { formatBytes, formatDuration, formatHostPort } from './values.js';
