/**
 * Fakes of React Native's `AppState`, of `@react-native-community/netinfo` and of
 * `@react-native-async-storage/async-storage`, shaped like the real packages (their published types
 * are checked against these in published/check.ts, which tsc runs with its own tsconfig: React
 * Native's global types would clash with the DOM's in the project's). Each has a handle for the
 * test to drive it like the platform would.
 */

/** AppState's events and their arguments, as React Native's types define them. */
interface AppStateEvents<State extends string> {
  change: [State]
  memoryWarning: []
  blur: []
  focus: []
}

/** AppState: `currentState` (`null` until known), and its events (a subscription that `remove()`s). */
export function createFakeAppState<State extends string>(initial: State) {
  const listeners = new Set<(state: State) => void>()
  const appState = {
    currentState: initial as State | null | undefined,
    isAvailable: true,
    addEventListener<K extends keyof AppStateEvents<State>>(type: K, handler: (...args: AppStateEvents<State>[K]) => void) {
      if (type !== 'change') return { remove() {} }
      const listener = handler as (state: State) => void
      listeners.add(listener)
      return { remove: () => void listeners.delete(listener) }
    },
  }
  return {
    AppState: appState,
    /** Moves the app to `state`, as React Native reports it. */
    set(state: State) {
      appState.currentState = state
      for (const listener of [...listeners]) listener(state)
    },
    get listeners() {
      return listeners.size
    },
  }
}

/** NetInfo: `fetch()` and `addEventListener` (which calls the listener once soon after subscribing, as the real one does). */
export function createFakeNetInfo<State extends { isConnected: boolean | null }>(initial: State) {
  const listeners = new Set<(state: State) => void>()
  let current = initial
  const netInfo = {
    fetch: (_requestedInterface?: string): Promise<State> => Promise.resolve(current),
    addEventListener(listener: (state: State) => void): () => void {
      listeners.add(listener)
      void Promise.resolve().then(() => {
        if (listeners.has(listener)) listener(current)
      })
      return () => void listeners.delete(listener)
    },
  }
  return {
    NetInfo: netInfo,
    set(state: State) {
      current = state
      for (const listener of [...listeners]) listener(state)
    },
    get listeners() {
      return listeners.size
    },
  }
}

/**
 * AsyncStorage (v3's interface, which keeps v2's getItem/setItem/removeItem/getAllKeys): an
 * in-memory store that outlives the JavaScript context, the way the device's storage outlives an
 * app restart. Every call answers on a later task, as the native module does.
 */
export function createFakeAsyncStorage() {
  const items = new Map<string, string>()
  const later = <T>(run: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(run()), 0))
  const storage = {
    getItem: (key: string) => later(() => items.get(key) ?? null),
    setItem: (key: string, value: string) => later(() => void items.set(key, value)),
    removeItem: (key: string) => later(() => void items.delete(key)),
    getMany: (keys: string[]) => later(() => Object.fromEntries(keys.map((key) => [key, items.get(key) ?? null]))),
    setMany: (entries: Record<string, string>) => later(() => Object.entries(entries).forEach(([key, value]) => items.set(key, value))),
    removeMany: (keys: string[]) => later(() => keys.forEach((key) => items.delete(key))),
    getAllKeys: () => later(() => [...items.keys()]),
    clear: () => later(() => items.clear()),
  }
  return { AsyncStorage: storage, items }
}

/** NetInfo states in the real package's shape (`type` as its enum's string value). */
export const wifi = {
  type: 'wifi',
  isConnected: true,
  isInternetReachable: true,
  isWifiEnabled: true,
  details: {
    isConnectionExpensive: false, ssid: null, bssid: null, strength: null, ipAddress: null, subnet: null, frequency: null,
    linkSpeed: null, rxLinkSpeed: null, txLinkSpeed: null,
  },
} as const
export const noNetwork = { type: 'none', isConnected: false, isInternetReachable: false, details: null } as const
