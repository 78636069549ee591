/**
 * The contract type and the helpers the client derives its types from. They live in
 * protocol/contract.ts, where the server (which may not import the client) reads them too.
 * @module
 */
export type * from '../protocol/contract'
