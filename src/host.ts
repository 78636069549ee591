/**
 * The host types lifeline's public API names (URL, AbortSignal, Storage,
 * IDBFactory…), written so that the published `.d.ts` files compile in any
 * TypeScript project: with the DOM lib (or @types/node) each is the host's
 * own type; without it (a Node project on `lib: ["es2022"]` alone) it is the
 * smallest shape lifeline uses. Types only: nothing here reaches a bundle.
 * docs/getting-started.md, "TypeScript".
 * @module
 */

/**
 * The instance type of the global class `Name` where the project's libs declare one, else `Fallback`.
 * Read where the types are used, so a browser project sees the DOM's classes and a bare one the fallback.
 * @internal
 */
export type HostClass<Name extends string, Fallback> = typeof globalThis extends Record<Name, infer Class>
  ? Class extends abstract new (...args: never) => infer Instance ? Instance : Fallback
  : Fallback

/** A parsed URL: the global `URL` class, where the project has one. */
export type HostUrl = HostClass<'URL', { readonly href: string }>

/** An abort signal (`AbortController#signal`): the global `AbortSignal`, where the project has one. */
export type HostAbortSignal = HostClass<'AbortSignal', {
  readonly aborted: boolean
  readonly reason: unknown
  throwIfAborted(): void
  addEventListener(type: 'abort', listener: () => void): void
  removeEventListener(type: 'abort', listener: () => void): void
}>

/** What lifeline listens to for `online`, `offline`, `pageshow`, `visibilitychange`: the global `EventTarget`. */
export type HostEventTarget = HostClass<'EventTarget', {
  addEventListener(type: string, listener: () => void): void
  removeEventListener(type: string, listener: () => void): void
}>

/** A binary frame's blob: the global `Blob`, where the project has one. */
export type HostBlob = HostClass<'Blob', { readonly size: number }>

/** An open WebSocket: the global class where the project has one (the DOM, Node 22's types); any object elsewhere. */
export type HostWebSocket = HostClass<'WebSocket', object>

/** A `BroadcastChannel` message event: the global `MessageEvent`, where the project has one. */
export type HostMessageEvent = HostClass<'MessageEvent', { readonly data: unknown }>

/** The Web Storage that `localStorageOutbox` and `share` use (`localStorage`): the global `Storage`, where there is one. */
export type HostStorage = HostClass<'Storage', {
  readonly length: number
  key(index: number): string | null
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}>

/** The IndexedDB factory (`indexedDB`, or fake-indexeddb's in tests): the global `IDBFactory`, where there is one. */
export type HostIndexedDb = HostClass<'IDBFactory', { open(name: string, version?: number): unknown }>

/** What `binaryType` takes: the DOM's `BinaryType`, spelt out. */
export type HostBinaryType = 'blob' | 'arraybuffer'
