import { describe, expect, it } from 'vitest'
import { asyncStorageOutbox } from '../../../src/react-native/index'
import type { AsyncStorageLike } from '../../../src/react-native/index'
import { createFakeAsyncStorage } from '../../react-native/fakes'

const frame = (id: number, text = `f${id}`) => ({ id, frame: text, at: 1000 + id })
const opened = (storage: AsyncStorageLike, key = 'q') => ({ persistence: asyncStorageOutbox(storage, key) })

describe('asyncStorageOutbox', () => {
  it('stores one item per frame in the localStorage format, and loads them in id order', async () => {
    const { AsyncStorage, items } = createFakeAsyncStorage()
    const { persistence } = opened(AsyncStorage)
    await persistence.backend.add(frame(2))
    await persistence.backend.add({ ...frame(1), position: 4, session: 's/1' })
    items.set('q:1:2', 'belongs to the outbox keyed q:1')
    items.set('other:1', '5,x')
    expect(items.get('q:2')).toBe('1002,f2')
    expect(items.get('q:1')).toBe('1001;4;s%2F1,f1')
    expect(await persistence.backend.load()).toEqual([
      { id: 1, frame: 'f1', at: 1001, position: 4, session: 's/1' },
      { id: 2, frame: 'f2', at: 1002, position: undefined, session: undefined },
    ])
  })

  it('applies calls in the order they were made, even when AsyncStorage answers out of order', async () => {
    const items = new Map<string, string>()
    let delay = 20
    // Each call answers sooner than the one before it: unordered, the remove would run before the add.
    const later = <T>(run: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(run()), (delay = Math.max(0, delay - 10))))
    const storage: AsyncStorageLike = {
      getItem: (key) => later(() => items.get(key) ?? null),
      setItem: (key, value) => later(() => void items.set(key, value)),
      removeItem: (key) => later(() => void items.delete(key)),
      getAllKeys: () => later(() => [...items.keys()]),
    }
    const { persistence } = opened(storage)
    const add = persistence.backend.add(frame(1))
    const remove = persistence.backend.remove([1])
    await Promise.all([add, remove])
    expect(items.size).toBe(0)
  })

  it('clears corrupt data and says so', async () => {
    const { AsyncStorage, items } = createFakeAsyncStorage()
    items.set('q:1', 'not a stored frame')
    items.set('q:2', '1002,fine')
    const { persistence } = opened(AsyncStorage)
    await expect(persistence.backend.load()).rejects.toThrow('lifeline: outbox data in AsyncStorage "q" was corrupt and has been cleared')
    expect(items.size).toBe(0)
  })

  it('keeps going after a failed call: the next ones still run', async () => {
    const { AsyncStorage, items } = createFakeAsyncStorage()
    const failing = { ...AsyncStorage, setItem: () => Promise.reject(new Error('disk full')) }
    const { persistence } = opened(failing)
    await expect(persistence.backend.add(frame(1))).rejects.toThrow('disk full')
    items.set('q:3', '1003,f3')
    await persistence.backend.remove([3])
    expect(items.size).toBe(0)
  })

  it('names a wrong storage or key', () => {
    expect(() => asyncStorageOutbox({} as AsyncStorageLike, 'q')).toThrow(/needs AsyncStorage/)
    expect(() => asyncStorageOutbox(createFakeAsyncStorage().AsyncStorage, '')).toThrow(/needs a key/)
  })
})
