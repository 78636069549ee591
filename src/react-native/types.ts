/**
 * What lifeline uses of React Native's `AppState`, of `@react-native-community/netinfo` and of
 * `@react-native-async-storage/async-storage`: structural types, so that this entry imports none of
 * them (each is an optional peer) and any version with these members fits. The real packages'
 * published types are checked against them in test/react-native/published/.
 * @module
 */

/**
 * React Native's `AppState` (`import { AppState } from 'react-native'`): its current state and its
 * `change` event. States: `'active'`, `'background'`, `'inactive'` (iOS, in transitions), `'unknown'`, `'extension'`.
 */
export interface AppStateLike {
  /** `null` (or `undefined`) until React Native knows it. */
  readonly currentState: string | null | undefined
  addEventListener(type: 'change', listener: (state: string) => void): { remove(): void }
}

/** The part of a NetInfo state lifeline reads: `isConnected` is `null` while unknown. */
export interface NetInfoStateLike {
  readonly isConnected: boolean | null
}

/** `@react-native-community/netinfo`'s default export: the current state and its changes. */
export interface NetInfoLike {
  fetch(): Promise<NetInfoStateLike>
  /** Returns the function that unsubscribes. */
  addEventListener(listener: (state: NetInfoStateLike) => void): () => void
}

/**
 * The members of `@react-native-async-storage/async-storage` that every version since 1.x has
 * (v3's `AsyncStorage` interface and v2's default export alike).
 */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
  removeItem(key: string): Promise<void>
  getAllKeys(): Promise<readonly string[]>
}
