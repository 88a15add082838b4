export { buildGatewayApi, type GatewayApiOptions } from './gateway-api.js';
export { buildAdminApp, type AdminAppOptions } from './app.js';
export type { HealthProbes } from './routes/health.js';
export { toErrorReply, type ErrorBody, type ErrorReply } from './errors.js';
export type { UiConfig } from './routes/ui.js';
