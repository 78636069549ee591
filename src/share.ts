/**
 * `lifeline-ws/share`: everything `lifeline-ws` exports, with a
 * `createClient` that also takes the `share` option: one socket for every tab
 * of an origin (docs/sharing.md). A separate entry so that apps that do not
 * share pay nothing for it (about 5 KB gzip); the CDN build (UMD) is built
 * from this entry, so `Lifeline.createClient` shares too.
 * @packageDocumentation
 */
export * from './index'
// An explicit export wins over the same name from `export *`.
export { createClient } from './share/share'
