/**
 * React Native's app state and network as the environment of a lifeline socket or client. The
 * link listens to `online`/`offline` on `environment.window` and reads `environment.navigator.onLine`
 * (socket/reconnect.ts): this module gives it a target that says `offline` while the app is in the
 * background or NetInfo says disconnected, and `online` when both are back. Going to the background
 * also closes the app's sockets on purpose: iOS suspends the app within seconds and Android may cut
 * its network, so a socket left open would die unseen and be found dead only by the heartbeat after
 * the app returns. Closed cleanly instead, it reconnects the moment the app is active again, and a
 * server that keeps sessions resumes the session (lifeline-ws/server keeps one for `sessions.ttl`).
 * @module
 */
import type { EnvironmentOptions, WebSocketConstructor } from '../index'
import type { AppStateLike, NetInfoLike, NetInfoStateLike } from './types'

/** Options of {@link reactNative}. */
export interface ReactNativeOptions {
  /** `AppState` from `react-native`. Required: without it a backgrounded app keeps a dying socket. */
  AppState: AppStateLike
  /**
   * The default export of `@react-native-community/netinfo`. Without it the socket only learns of a
   * lost network from its heartbeat, and retries on its backoff. @default undefined
   */
  NetInfo?: NetInfoLike | undefined
  /** The WebSocket constructor to wrap. @default globalThis.WebSocket (React Native's) */
  WebSocket?: WebSocketConstructor | undefined
  /** The close code for a socket closed because the app went to the background. @default 1000 */
  backgroundCode?: number
}

/** What {@link reactNative} returns: spread it into the options of `createClient` or `createSocket`. */
export interface ReactNativeEnvironment {
  /** React Native's WebSocket, with the sockets it makes tracked so that backgrounding can close them. */
  WebSocket: WebSocketConstructor
  /** `window` (online/offline from AppState and NetInfo) and `navigator` (`onLine` now). */
  environment: EnvironmentOptions
}

/** The reason of the close sent when the app goes to the background. */
export const BACKGROUND_REASON = 'app in background'
const CLOSING = 2

type Listener = EventListenerOrEventListenerObject

/**
 * The environment for React Native: foreground and background from `AppState`, the network from
 * NetInfo (optional). A client made with it connects only while the app is active and online,
 * closes its socket when the app goes to the background, and reconnects (resuming its session) when
 * the app comes back. It subscribes to AppState and NetInfo only while a client listens (from
 * `connect` to the final `close()`), so a closed client leaves nothing subscribed.
 * One result can serve several clients.
 * @example
 * import { AppState } from 'react-native'
 * import NetInfo from '@react-native-community/netinfo'
 * import { createClient } from 'lifeline-ws'
 * import { reactNative } from 'lifeline-ws/react-native'
 *
 * const client = createClient('wss://chat.example.com/ws', { ...reactNative({ AppState, NetInfo }) })
 */
export function reactNative(options: ReactNativeOptions): ReactNativeEnvironment {
  const { AppState, NetInfo, backgroundCode = 1000 } = options ?? {}
  if (typeof AppState?.addEventListener !== 'function') throw new TypeError("lifeline-ws/react-native: reactNative({ AppState }) needs AppState from 'react-native'")
  if (NetInfo !== undefined && typeof NetInfo.addEventListener !== 'function') throw new TypeError('lifeline-ws/react-native: NetInfo must be the default export of @react-native-community/netinfo')
  const Base = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (typeof Base !== 'function') throw new TypeError('lifeline-ws/react-native: no WebSocket constructor here; pass { WebSocket }')

  const sockets = new Set<WebSocket>()
  const listeners = { online: new Set<Listener>(), offline: new Set<Listener>() }
  let active = AppState.currentState !== 'background'
  let connected = true
  let unwatch: (() => void) | undefined

  const emit = (type: 'online' | 'offline') => {
    const event = { type } as Event
    for (const listener of [...listeners[type]]) {
      if (typeof listener === 'function') listener(event)
      else listener.handleEvent(event)
    }
  }
  /** Applies a change of app state or network: tells the link when "up" flips, then closes on backgrounding. */
  const update = (nextActive: boolean, nextConnected: boolean) => {
    const wasUp = active && connected
    const wentToBackground = active && !nextActive
    active = nextActive
    connected = nextConnected
    const up = active && connected
    // `offline` first, so that the close below finds the link waiting instead of retrying.
    if (up !== wasUp) emit(up ? 'online' : 'offline')
    if (!wentToBackground) return
    for (const socket of sockets) {
      if (socket.readyState < CLOSING) socket.close(backgroundCode, BACKGROUND_REASON)
    }
    sockets.clear()
  }
  const onAppState = (state: string) => update(state !== 'background', connected)
  const onNetwork = (state: NetInfoStateLike) => update(active, state.isConnected !== false)

  const watch = () => {
    active = AppState.currentState !== 'background'
    const appState = AppState.addEventListener('change', onAppState)
    const stopNetInfo = NetInfo?.addEventListener(onNetwork)
    NetInfo?.fetch().then(onNetwork, () => undefined)
    unwatch = () => {
      appState.remove()
      stopNetInfo?.()
      unwatch = undefined
    }
  }
  const count = () => listeners.online.size + listeners.offline.size

  const window = {
    addEventListener(type: string, listener: Listener | null) {
      if (!listener || (type !== 'online' && type !== 'offline')) return
      if (!unwatch) watch()
      listeners[type].add(listener)
    },
    removeEventListener(type: string, listener: Listener | null) {
      if (!listener || (type !== 'online' && type !== 'offline')) return
      listeners[type].delete(listener)
      if (!count()) unwatch?.()
    },
    dispatchEvent: () => true,
  }

  /** The base constructor, each socket remembered until it closes or the app goes to the background. */
  const Tracked = function (url: string, protocols?: string | string[]) {
    for (const socket of sockets) {
      if (socket.readyState >= CLOSING) sockets.delete(socket)
    }
    const socket = new Base(url, protocols)
    sockets.add(socket)
    return socket
  } as unknown as WebSocketConstructor

  return {
    WebSocket: Tracked,
    environment: {
      window,
      document: undefined,
      navigator: {
        get onLine() {
          return active && connected
        },
      },
    },
  }
}
