/**
 * Which server the simulation runs: the server core through its Transport
 * seam, on its own virtual clock, strictly (no timer global, Date.now or
 * Math.random may be used). A checkout from before that seam (`--src` of an
 * older commit) gets adapter-legacy.ts instead, at build time (cli.mjs).
 * @module
 */
export { transportProcess as serverProcess } from './transport-server'

/** A use of the timer globals, Date.now or Math.random is a finding. */
export const STRICT = true
export const ADAPTER = 'transport seam, injected clock'
