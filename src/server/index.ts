/**
 * `lifeline-ws/server`: a Node server for lifeline's protocol, on `ws`.
 * Node only; the browser bundles never import it.
 * @packageDocumentation
 */
export { createServer } from './server'
export { createHistory } from './history'
export { memoryBroker } from './broker/memory'
export type { Broker, BrokerHistory, BrokerSink, ClusterCounts, ProcessCounts } from './broker/broker'
export type { HistoryOptions, HistoryStore, HistoryEntry } from './history'
export { createSessionStore } from './session-store'
export type { SessionJournal, SessionState, SessionStore, SessionStoreOptions } from './session-store'
export { TooManyRequests, TooManySubscriptions, Forbidden } from './error-codes'
export type {
  CallOptions, Context, MethodHandler, MethodMessage, ListenOptions, Server, ServerHeartbeatOptions, ServerOptions, ServerSessionOptions, ServerStats,
} from './types'
export { ParseError, InvalidRequest, MethodNotFound, InvalidParams, InternalError, AlreadyRun, jsonRpc } from '../protocol/json-rpc'
export type { Protocol, Message, Id, Once, ErrorObject, SubscribeParams, SubscribeResult, PublishParams } from '../protocol/protocol'
export {
  LifelineError, RpcError, TimeoutError, ConnectionClosedError, ProtocolError, OutcomeUnknownError,
  isRpcError, isTimeoutError, isConnectionClosedError, isProtocolError, isOutcomeUnknownError,
} from '../errors'
export { redisBroker } from './broker/redis'
export type { RedisBrokerOptions, RedisClientLike } from './broker/redis'
export { redisSessionStore } from './broker/redis-sessions'
export type { RedisSessionStoreOptions } from './broker/redis-sessions'
