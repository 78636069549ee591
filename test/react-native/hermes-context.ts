/**
 * A JavaScript context whose globals are those of Hermes in React Native, built with `node:vm`, and
 * lifeline (src/, bundled with esbuild as Metro would) loaded into it.
 *
 * The list is React Native's own setup (InitializeCore in 0.74, setup-env in 0.88: setUpGlobals,
 * setUpTimers, setUpXHR, setUpNavigator, setUpPerformance, setUpAlert) plus what Hermes itself has
 * (ECMAScript, and TextEncoder since 0.74); it is the floor of the versions lifeline supports,
 * 0.74 to 0.88. Left out because React Native has no such global: EventTarget, Event, MessageEvent,
 * CustomEvent (0.88 defines the first three, older versions none), DOMException, localStorage,
 * indexedDB, BroadcastChannel, document, location, crypto, structuredClone, TextDecoder (0.85+),
 * navigator.onLine and navigator.locks. `window`, `self` and `global` are the global object, which is no event
 * target. `URL` is the pre-0.80 one: href and toString only, every other getter throws, no setters,
 * a '/' appended to the text; `WebSocket` has React Native's shape (no `wasClean`, no
 * `bufferedAmount`, binary as ArrayBuffer, `send` throws while connecting) over `ws`.
 */
import { build } from 'esbuild'
import vm from 'node:vm'
import { fileURLToPath } from 'node:url'
import WS from 'ws'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** React Native's WebSocket, as its JavaScript class behaves, over a `ws` socket. */
class ReactNativeWebSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  readonly CONNECTING = 0
  readonly OPEN = 1
  readonly CLOSING = 2
  readonly CLOSED = 3
  readonly url: string
  readyState = 0
  protocol: string | undefined = undefined
  /** Declared by React Native's class and never set. */
  bufferedAmount: number | undefined = undefined
  onopen: ((event: object) => void) | null = null
  onmessage: ((event: object) => void) | null = null
  onclose: ((event: object) => void) | null = null
  onerror: ((event: object) => void) | null = null
  #binaryType: string | undefined
  readonly #socket: WS

  constructor(url: string, protocols?: string | string[] | null) {
    this.url = url
    this.#socket = new WS(url, protocols ?? undefined)
    this.#socket.binaryType = 'arraybuffer'
    this.#socket.on('open', () => {
      this.readyState = 1
      this.protocol = this.#socket.protocol
      this.onopen?.({ type: 'open' })
    })
    this.#socket.on('message', (data: ArrayBuffer | Buffer, isBinary: boolean) => {
      this.onmessage?.({ type: 'message', data: isBinary ? data : data.toString() })
    })
    this.#socket.on('error', () => this.onerror?.({ type: 'error' }))
    // No `wasClean`: React Native's close event has only code and reason.
    this.#socket.on('close', (code: number, reason: Buffer) => {
      this.readyState = 3
      this.onclose?.({ type: 'close', code, reason: reason.toString() })
    })
  }

  get binaryType(): string | undefined {
    return this.#binaryType
  }
  set binaryType(value: string) {
    if (value !== 'blob' && value !== 'arraybuffer') throw new Error("binaryType must be either 'blob' or 'arraybuffer'")
    this.#binaryType = value
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState === 0) throw new Error('INVALID_STATE_ERR')
    this.#socket.send(data)
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return
    this.readyState = 2
    this.#socket.close(code, reason)
  }
}

/** React Native's URL before 0.80: the text, a '/' appended; every part but href throws. */
class ReactNativeUrl {
  readonly #url: string
  constructor(url: string) {
    this.#url = String(url).endsWith('/') ? String(url) : `${String(url)}/`
  }
  get href(): string {
    return this.#url
  }
  toString(): string {
    return this.#url
  }
}
for (const part of ['hash', 'host', 'hostname', 'origin', 'password', 'pathname', 'port', 'protocol', 'search', 'searchParams', 'username']) {
  Object.defineProperty(ReactNativeUrl.prototype, part, {
    get() {
      throw new Error(`URL.${part} is not implemented`)
    },
  })
}

/** A global React Native defines whose implementation needs a native module this context does not have. */
const native = (name: string) =>
  class {
    constructor() {
      throw new Error(`${name} needs a native module (not in this test context)`)
    }
  }

/** Exactly React Native's globals (see the header), `window` and `self` the global object. */
function reactNativeGlobals(nodeEnv: string, errors: unknown[][]): Record<string, unknown> {
  let frames = 0
  return {
    __DEV__: nodeEnv !== 'production',
    process: { env: { NODE_ENV: nodeEnv } },
    navigator: { product: 'ReactNative' },
    // console.error recorded: React reports an error thrown in an effect's cleanup there.
    console: { ...console, error: (...args: unknown[]) => void errors.push(args) },
    setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, queueMicrotask,
    requestAnimationFrame: (callback: (time: number) => void) => setTimeout(() => callback(performance.now()), 16),
    cancelAnimationFrame: clearTimeout,
    requestIdleCallback: (callback: () => void) => setTimeout(callback, 1),
    cancelIdleCallback: clearTimeout,
    performance: { now: () => performance.now(), mark: () => ({ frames: frames++ }), measure: () => undefined },
    fetch, Headers, Request, Response, FormData,
    XMLHttpRequest: native('XMLHttpRequest'),
    WebSocket: ReactNativeWebSocket,
    Blob, File,
    FileReader: native('FileReader'),
    URL: ReactNativeUrl,
    URLSearchParams,
    AbortController, AbortSignal,
    alert: (message: string) => console.log(`alert: ${message}`),
    TextEncoder,
  }
}

/** The absent globals this suite checks for, so that a change to the list above cannot add one unseen. */
export const absentGlobals = [
  'EventTarget', 'Event', 'MessageEvent', 'CustomEvent', 'DOMException', 'localStorage', 'indexedDB', 'BroadcastChannel',
  'document', 'location', 'crypto', 'structuredClone', 'TextDecoder', 'MessageChannel',
] as const

/** The bundle an app's code would be: lifeline, its React Native adapters, its React hooks, React and a renderer. */
const entry = `
export { createClient, createSocket } from 'lifeline-ws'
export { reactNative, asyncStorageOutbox, BACKGROUND_REASON } from 'lifeline-ws/react-native'
export { LifelineProvider, useTopic, useConnectionState, useCall } from 'lifeline-ws/react'
export { createElement } from 'react'
export { create } from 'react-test-renderer'
`
let bundled: Promise<string> | undefined

async function bundle(): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'app',
    platform: 'neutral',
    target: 'es2020',
    mainFields: ['react-native', 'module', 'main'],
    conditions: ['react-native'],
    alias: {
      'lifeline-ws/react-native': `${root}src/react-native/index.ts`,
      'lifeline-ws/react': `${root}src/react/index.ts`,
      'lifeline-ws': `${root}src/index.ts`,
    },
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

/** What the bundle exports, as the tests use it (the values live in the context). */
export interface App {
  createClient: typeof import('../../src/index').createClient
  createSocket: typeof import('../../src/index').createSocket
  reactNative: typeof import('../../src/react-native/index').reactNative
  asyncStorageOutbox: typeof import('../../src/react-native/index').asyncStorageOutbox
  BACKGROUND_REASON: string
  LifelineProvider: typeof import('../../src/react/index').LifelineProvider
  useTopic: typeof import('../../src/react/index').useTopic
  useConnectionState: typeof import('../../src/react/index').useConnectionState
  useCall: typeof import('../../src/react/index').useCall
  createElement: typeof import('react').createElement
  /** react-test-renderer's `create` (its types are not installed: what this suite uses of it). */
  create(element: unknown): { toJSON(): unknown; unmount(): void }
}

/** A fresh context (an app start), lifeline loaded into it. `run` evaluates code inside it. */
export async function startReactNativeApp(nodeEnv = 'development'): Promise<{ app: App; run(code: string): unknown; consoleErrors: unknown[][] }> {
  bundled ??= bundle()
  const consoleErrors: unknown[][] = []
  const context = vm.createContext(reactNativeGlobals(nodeEnv, consoleErrors))
  const globals = vm.runInContext('globalThis', context) as Record<string, unknown>
  globals.window = globals
  globals.self = globals
  globals.global = globals
  vm.runInContext(await bundled, context, { filename: 'react-native-bundle.js' })
  return { app: globals.app as App, run: (code) => vm.runInContext(code, context), consoleErrors }
}
