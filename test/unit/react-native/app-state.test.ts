import { describe, expect, it, vi } from 'vitest'
import { reactNative, BACKGROUND_REASON } from '../../../src/react-native/index'
import type { WebSocketConstructor } from '../../../src/index'
import { createFakeAppState, createFakeNetInfo, noNetwork, wifi } from '../../react-native/fakes'
import { flush } from '../../helpers/flush'

type NetState = typeof wifi | typeof noNetwork

/** Sockets with only what the adapter touches: readyState and close(). */
class RecordingSocket {
  static made: RecordingSocket[] = []
  readyState = 0
  closed: [number | undefined, string | undefined] | undefined
  constructor(readonly url: string) {
    RecordingSocket.made.push(this)
  }
  close(code?: number, reason?: string) {
    this.closed = [code, reason]
    this.readyState = 3
  }
}
const Socket = RecordingSocket as unknown as WebSocketConstructor

function setup(initial = 'active', net: NetState = wifi) {
  RecordingSocket.made = []
  const appState = createFakeAppState(initial)
  const netInfo = createFakeNetInfo<NetState>(net)
  const rn = reactNative({ AppState: appState.AppState, NetInfo: netInfo.NetInfo, WebSocket: Socket })
  const heard: string[] = []
  const listener = (event: Event) => void heard.push(event.type)
  const listen = () => {
    rn.environment.window!.addEventListener('online', listener)
    rn.environment.window!.addEventListener('offline', listener)
  }
  const unlisten = () => {
    rn.environment.window!.removeEventListener('online', listener)
    rn.environment.window!.removeEventListener('offline', listener)
  }
  return { rn, appState, netInfo, heard, listen, unlisten, onLine: () => rn.environment.navigator!.onLine }
}

describe('reactNative(): AppState and NetInfo as online/offline', () => {
  it('subscribes to AppState and NetInfo only while listened to', async () => {
    const t = setup()
    expect([t.appState.listeners, t.netInfo.listeners]).toEqual([0, 0])
    t.listen()
    expect([t.appState.listeners, t.netInfo.listeners]).toEqual([1, 1])
    t.unlisten()
    expect([t.appState.listeners, t.netInfo.listeners]).toEqual([0, 0])
    await flush()
  })

  it('says offline in the background, online back in the foreground; inactive (iOS transitions) changes nothing', async () => {
    const t = setup()
    t.listen()
    await flush()
    t.appState.set('inactive')
    expect(t.heard).toEqual([])
    t.appState.set('background')
    expect([t.heard, t.onLine()]).toEqual([['offline'], false])
    t.appState.set('active')
    expect([t.heard, t.onLine()]).toEqual([['offline', 'online'], true])
  })

  it('closes open and connecting sockets on purpose when the app goes to the background, and only then', async () => {
    const t = setup()
    t.listen()
    const open = new t.rn.WebSocket('ws://a.example/')
    ;(open as unknown as RecordingSocket).readyState = 1
    const connecting = new t.rn.WebSocket('ws://a.example/')
    t.netInfo.set(noNetwork)
    expect(RecordingSocket.made.map((s) => s.closed)).toEqual([undefined, undefined])
    t.netInfo.set(wifi)
    t.appState.set('background')
    expect(RecordingSocket.made.map((s) => s.closed)).toEqual([[1000, BACKGROUND_REASON], [1000, BACKGROUND_REASON]])
    expect(connecting).toBe(RecordingSocket.made[1])
  })

  it('reads NetInfo: disconnected is offline, unknown (null) is not; background and no network together stay offline', async () => {
    const t = setup('active', noNetwork)
    t.listen()
    await flush()
    expect([t.heard, t.onLine()]).toEqual([['offline'], false])
    t.netInfo.set({ ...wifi, isConnected: null } as unknown as NetState)
    expect(t.heard).toEqual(['offline', 'online'])
    t.appState.set('background')
    t.netInfo.set(noNetwork)
    t.appState.set('active')
    expect(t.heard).toEqual(['offline', 'online', 'offline'])
    t.netInfo.set(wifi)
    expect(t.heard).toEqual(['offline', 'online', 'offline', 'online'])
  })

  it('starts offline when the app is created in the background (it connects once active)', () => {
    const t = setup('background')
    t.listen()
    expect(t.onLine()).toBe(false)
  })

  it('forgets closed sockets instead of keeping every socket it ever made', () => {
    const t = setup()
    for (let n = 0; n < 3; n++) new t.rn.WebSocket('ws://a.example/').close()
    new t.rn.WebSocket('ws://a.example/')
    t.listen()
    t.appState.set('background')
    expect(RecordingSocket.made.map((s) => s.closed?.[1])).toEqual([undefined, undefined, undefined, BACKGROUND_REASON])
  })

  it('names what is missing', () => {
    expect(() => reactNative({} as never)).toThrow(/needs AppState/)
    expect(() => reactNative({ AppState: createFakeAppState('active').AppState, NetInfo: {} as never })).toThrow(/NetInfo must be/)
    vi.stubGlobal('WebSocket', undefined)
    try {
      expect(() => reactNative({ AppState: createFakeAppState('active').AppState })).toThrow(/no WebSocket constructor/)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
