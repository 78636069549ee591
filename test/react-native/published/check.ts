/**
 * The real packages' published types against lifeline's adapters and this suite's fakes. Checked
 * by `tsc -p test/react-native/published` (npm run test:types), never run: React Native's global
 * types (its own setTimeout, WebSocket…) clash with the DOM types of the project's tsconfig, so
 * this file has a program of its own, typed like a React Native app (no DOM library).
 */
import type { AppState } from 'react-native'
import type { AppStateStatus } from 'react-native'
import type NetInfo from '@react-native-community/netinfo'
import { NetInfoStateType, type NetInfoState } from '@react-native-community/netinfo'
import type AsyncStorageDefault from '@react-native-async-storage/async-storage'
import type { AsyncStorage } from '@react-native-async-storage/async-storage'
import { createClient } from 'lifeline-ws'
import { asyncStorageOutbox, reactNative, type AppStateLike, type AsyncStorageLike, type NetInfoLike } from 'lifeline-ws/react-native'
import { createFakeAppState, createFakeAsyncStorage, createFakeNetInfo, noNetwork, wifi } from '../fakes'

declare const realAppState: typeof AppState
declare const realNetInfo: typeof NetInfo
declare const realAsyncStorage: typeof AsyncStorageDefault

// 1. An app passes the real objects: they fit lifeline's parameter types.
export const appStateFits: AppStateLike = realAppState
export const netInfoFits: NetInfoLike = realNetInfo
export const asyncStorageFits: AsyncStorageLike = realAsyncStorage
export const client = createClient('wss://chat.example.com/ws', {
  ...reactNative({ AppState: realAppState, NetInfo: realNetInfo }),
  queue: { storage: asyncStorageOutbox(realAsyncStorage, 'chat-outbox') },
})

// 2. The fakes have the real members with the real signatures, over the real state types.
const wifiState: NetInfoState = { ...wifi, type: NetInfoStateType.wifi }
const noNetworkState: NetInfoState = { ...noNetwork, type: NetInfoStateType.none }
export const fakeAppState: Pick<typeof AppState, 'currentState' | 'addEventListener'> = createFakeAppState<AppStateStatus>('active').AppState
export const fakeNetInfo: Pick<typeof NetInfo, 'fetch' | 'addEventListener'> = createFakeNetInfo<NetInfoState>(wifiState).NetInfo
export const fakeAsyncStorage: AsyncStorage = createFakeAsyncStorage().AsyncStorage
export const states = [wifiState, noNetworkState]
