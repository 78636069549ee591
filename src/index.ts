/**
 * lifeline: a browser-first WebSocket client with jittered reconnect,
 * heartbeats, an offline queue, typed JSON-RPC and topics that survive reconnects.
 * Everything `lifeline-ws/socket` exports is exported here too.
 * @packageDocumentation
 */
export * from './socket'
export { createClient } from './client/client'
export type { Client, CallOptions, EventStream } from './client/api'
export type { ClientOptions, ClientEnvironment, ShareLocks, ShareChannel } from './client/options'
export type { Subscription, SubscribeOptions, TopicMeta, TopicHandler } from './client/subscriptions'
export type {
  Contract, Method, MethodName, ParamsOf, CallArgs, ResultOf, NotifyArgs, EventName, EventOf, TopicName, TopicOf,
  HandlerName, HandlerOf, Part, Lookup,
} from './client/contract'
export type { JsonRpcOptions } from './protocol/json-rpc'
export type { Protocol, WireFrame, DialectSocketOptions, Message, Decoded, InvalidMember, Id, Once, ErrorObject, SubscribeParams, SubscribeResult, PublishParams } from './protocol/protocol'
export type { HostUrl, HostAbortSignal, HostEventTarget, HostBlob, HostWebSocket, HostMessageEvent, HostStorage, HostIndexedDb, HostBinaryType } from './host'
export { jsonRpc } from './protocol/json-rpc'
export {
  RpcError, TimeoutError, ProtocolError, OutcomeUnknownError, isRpcError, isTimeoutError, isProtocolError, isOutcomeUnknownError,
} from './errors'
