/**
 * What every server entry exports besides its own `createServer` and the
 * types that name its request (`Server`, `ServerOptions`, `Context`,
 * `MethodHandler`, `ServerMethod`, `ServerMethods`): `lifeline-ws/server` (Node, on `ws`),
 * `lifeline-ws/server/deno` and `lifeline-ws/server/bun` re-export it all.
 * @module
 */
export { createHistory } from './topics/history'
export { fileHistory } from './topics/history-file'
export type { FileHistoryOptions } from './topics/history-file'
export { memoryBroker } from './topics/broker/memory'
export type { Broker, BrokerHistory, BrokerSink, ClusterCounts, ProcessCounts } from './topics/broker/broker'
export type { HistoryOptions, HistoryStore, HistoryEntry } from './topics/history'
export { createSessionStore } from './sessions/store'
export type { BroadcastStamp, SessionJournal, SessionState, SessionStore, SessionStoreOptions } from './sessions/store'
export { TooManyRequests, TooManySubscriptions, Forbidden } from './messages/codes'
export type { CallOptions, MethodMessage, ServerHeartbeatOptions, ServerSessionOptions, ServerStats, UpgradeRequest } from './types'
export type { SharedServerOptions, ServerBehaviour, MethodsOption } from './options'
export type { Contract, Method } from '../protocol/contract'
export type { EventArgs, TopicArgs, HandlerCallArgs, HandlerResult, MethodParams, PayloadArgs } from './contract'
export { ParseError, InvalidRequest, MethodNotFound, InvalidParams, InternalError, AlreadyRun, jsonRpc } from '../protocol/json-rpc'
export type { Protocol, WireFrame, DialectSocketOptions, Message, Decoded, InvalidMember, Id, Once, ErrorObject, SubscribeParams, SubscribeResult, PublishParams } from '../protocol/protocol'
export {
  LifelineError, RpcError, TimeoutError, ConnectionClosedError, ProtocolError, OutcomeUnknownError,
  isRpcError, isTimeoutError, isConnectionClosedError, isProtocolError, isOutcomeUnknownError,
} from '../errors'
export { redisBroker } from './topics/broker/redis'
export type { RedisBrokerOptions, RedisClientLike } from './topics/broker/redis'
export { redisSessionStore } from './topics/broker/redis-sessions'
export type { RedisSessionStoreOptions } from './topics/broker/redis-sessions'
