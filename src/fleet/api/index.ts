/** fleetd's HTTP API: the request handler and the listeners it is served on. */
export { createFleetApi, type FleetApiHandler } from './routes.js';
export { listenFleetApi, type FleetApiListeners } from './listeners.js';
export type { FleetApiOptions, FleetApiRegistry } from './api-options.js';
export type { LocalUnitAccess, LocalUnitStatusText } from './local-units.js';
export { encodePageToken, decodePageToken, type PageToken } from './page-token.js';
export { FORWARDED_BY_HEADER } from './peer-proxy.js';
