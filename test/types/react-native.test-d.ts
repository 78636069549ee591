import { expectTypeOf, test } from 'vitest'
import { createClient, createSocket, type QueueStorage, type WebSocketConstructor } from '../../src/index'
import { asyncStorageOutbox, reactNative, type AppStateLike, type AsyncStorageLike, type NetInfoLike } from '../../src/react-native/index'

declare const AppState: AppStateLike
declare const NetInfo: NetInfoLike
declare const AsyncStorage: AsyncStorageLike

test('reactNative() spreads into the options of createClient and createSocket', () => {
  const rn = reactNative({ AppState, NetInfo })
  expectTypeOf(rn.WebSocket).toEqualTypeOf<WebSocketConstructor>()
  createClient('wss://a.example/ws', { ...rn, queue: { storage: asyncStorageOutbox(AsyncStorage, 'q') } })
  createSocket('wss://a.example/ws', { ...rn, environment: { ...rn.environment, random: () => 0.5 } })
  expectTypeOf(asyncStorageOutbox(AsyncStorage, 'q')).toEqualTypeOf<QueueStorage>()
})

test('what does not fit is a compile error', () => {
  // @ts-expect-error AppState is required
  reactNative({ NetInfo })
  // @ts-expect-error NetInfo's listener gets a state, not a boolean
  reactNative({ AppState, NetInfo: { fetch: async () => ({ isConnected: true }), addEventListener: (listener: (up: boolean) => void) => () => listener } })
  // @ts-expect-error the outbox needs a key
  asyncStorageOutbox(AsyncStorage)
  // @ts-expect-error localStorage is not AsyncStorage (synchronous, no getAllKeys)
  asyncStorageOutbox(localStorage, 'q')
})
