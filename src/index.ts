/** Flotilla's library entry: the typed etcd v2 client. */
export * from './client/index.js';
