/**
 * The server before its Transport seam (every commit up to the server
 * redesign, 6b57a7e included): legacy-server.ts, with `ws` replaced by a
 * stand-in and the timer globals running on virtual time. cli.mjs builds
 * with this in place of adapter.ts when the checkout has no
 * src/server/core.ts.
 * @module
 */
export { legacyProcess as serverProcess } from './legacy-server'

/** That server uses the timer globals: they run on virtual time, owned by whoever's event runs. */
export const STRICT = false
export const ADAPTER = 'legacy (before the Transport seam: ws stand-in, timer globals)'
