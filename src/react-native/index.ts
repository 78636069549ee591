/**
 * `lifeline-ws/react-native`: opt-in adapters for React Native (Hermes). The client itself needs
 * none of them and runs there unchanged; these map what React Native offers instead of the browser's
 * events and storage: foreground and background from `AppState`, the network from NetInfo, a
 * persisted outbox on AsyncStorage. Each package is an optional peer, passed in rather than
 * imported, so an app installs only what it uses (docs/react-native.md).
 * @packageDocumentation
 */
export { reactNative, BACKGROUND_REASON } from './app-state'
export type { ReactNativeOptions, ReactNativeEnvironment } from './app-state'
export { asyncStorageOutbox } from './async-storage'
export type { AppStateLike, NetInfoLike, NetInfoStateLike, AsyncStorageLike } from './types'
