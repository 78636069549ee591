/**
 * lifeline: a browser-first WebSocket client with jittered reconnect,
 * heartbeats, an offline queue, typed JSON-RPC and topics that survive reconnects.
 * @packageDocumentation
 */
export { createClient } from './client'
export type { Client, CallOptions, SendOptions, SendResult, DropEvent, LifecycleEvents, EventStream } from './api'
export type {
  ClientOptions, ReconnectOptions, HeartbeatOptions, QueueOptions, EnvironmentOptions, BackoffOptions,
  CloseInfo, Logger, Provider, UrlInput, WebSocketConstructor,
} from './options'
export type { State, ReconnectingInfo, ClientCloseEvent } from './connection/reconnect'
export type { Frame, DropReason } from './outbox/outbox'
export type { Subscription, SubscribeOptions, TopicMeta, TopicHandler } from './rpc/subscriptions'
export type {
  Contract, Method, MethodName, ParamsOf, CallArgs, ResultOf, NotifyArgs, EventName, EventOf, TopicName, TopicOf,
  HandlerName, HandlerOf, Part, Lookup,
} from './contract'
export type { JsonRpcOptions } from './protocol/json-rpc'
export type { Protocol, Message, Id, ErrorObject, SubscribeParams, SubscribeResult, PublishParams } from './protocol/protocol'
export type { OutboxStorage, StoredFrame } from './outbox/storage'
export type { Clock } from './timers'
export { backoff } from './connection/backoff'
export { retryable } from './connection/close-codes'
export { jsonRpc } from './protocol/json-rpc'
export { localStorageOutbox, indexedDbOutbox } from './outbox/storage'
export {
  LifelineError, RpcError, TimeoutError, ConnectionClosedError, ClientClosedError, QueueFullError, ProtocolError,
  isRpcError, isTimeoutError, isConnectionClosedError, isClientClosedError, isQueueFullError, isProtocolError,
} from './errors'
