/**
 * Entry 'lifeline-ws/msgpack': the MessagePack dialect, for the client
 * (`createClient(url, { protocol: msgpack() })`) and for `lifeline-ws/server`
 * (`createServer({ protocol: [jsonRpc(), msgpack()] })`). Its own entry, so an
 * app on JSON ships none of it (docs/protocol.md, "Encodings").
 * @module
 */
export { msgpack, type MsgpackOptions } from './protocol/msgpack'
