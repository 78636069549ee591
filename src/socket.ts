/**
 * `lifeline-ws/socket`: the reliable raw socket alone, without a protocol.
 * `createClient` (from `lifeline-ws`) is built on it.
 * @packageDocumentation
 */
export { createSocket } from './socket/socket'
export type { Socket, SendOptions, SendResult, DropEvent, LifecycleEvents, SessionEvent } from './socket/types'
export type {
  SocketOptions, ReconnectOptions, HeartbeatOptions, QueueOptions, EnvironmentOptions,
  CloseInfo, Logger, Provider, UrlInput, WebSocketConstructor,
} from './socket/options'
export type { BackoffOptions } from './socket/backoff'
export type { State, ReconnectingInfo, ClientCloseEvent } from './socket/reconnect'
export type { Frame, DropReason } from './socket/outbox'
export type { OutboxStorage, QueueStorage, StoredFrame } from './socket/persist'
export type { Clock } from './timers'
export { backoff } from './socket/backoff'
export { retryable } from './socket/close-codes'
export { localStorageOutbox, indexedDbOutbox } from './socket/storage'
export { persistOutbox } from './socket/persist'
export {
  LifelineError, ConnectionClosedError, ClientClosedError, QueueFullError, ConnectError,
  isConnectionClosedError, isClientClosedError, isQueueFullError, isConnectError,
} from './errors'
