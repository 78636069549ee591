// The two adapters on their own, and behind a real outbox (reload, quota).
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it, vi } from 'vitest'
import { indexedDbOutbox, localStorageOutbox } from '../../../src/socket/storage'
import type { OutboxStorage } from '../../../src/socket/persist'
import { FakeStorage, fakeWriter, setup } from './fakes'
import { patient } from '../../helpers/wait'
import { flush } from '../../helpers/flush'

// The backends under the adapters, whose load/add/remove these tests call directly.
const localStorageBackend = (key: string, storage?: Storage) => localStorageOutbox(key, storage).backend
const indexedDbBackend = (name: string, factory?: IDBFactory) => indexedDbOutbox(name, factory).backend

const frame = (id: number, text = `frame ${id}`) => ({ id, frame: text, at: 1000 + id })

/** The contract both adapters meet. */
async function roundTrip(make: () => OutboxStorage) {
  const storage = make()
  expect(await storage.load()).toEqual([])
  for (const id of [1, 2, 9, 10, 11]) await storage.add(frame(id, id === 2 ? 'ünï, "cödé"\n' : undefined))
  await storage.remove([1, 10, 404])
  // A second adapter on the same place: what a reloaded page sees.
  expect(await make().load()).toEqual([frame(2, 'ünï, "cödé"\n'), frame(9), frame(11)])
}

describe('localStorageOutbox', () => {
  it('round-trips frames in id order across instances', async () => {
    const ls = new FakeStorage()
    await roundTrip(() => localStorageBackend('q', ls))
  })

  it("ignores other keys, including another outbox's that share a prefix", async () => {
    const ls = new FakeStorage()
    ls.setItem('q:1:5', '5,other outbox')
    ls.setItem('unrelated', 'x')
    ls.setItem('q:abc', 'x')
    await localStorageBackend('q', ls).add(frame(3))
    expect(await localStorageBackend('q', ls).load()).toEqual([frame(3)])
    expect(await localStorageBackend('q:1', ls).load()).toEqual([{ id: 5, frame: 'other outbox', at: 5 }])
  })

  it('clears corrupt data and throws a clear error, then works again', async () => {
    const ls = new FakeStorage()
    const storage = localStorageBackend('q', ls)
    await storage.add(frame(1))
    ls.setItem('q:2', 'no timestamp here')
    ls.setItem('other', 'kept')
    expect(() => storage.load()).toThrow(/outbox data in localStorage "q" was corrupt and has been cleared/)
    expect([...ls.map.keys()]).toEqual(['other'])
    expect(await storage.load()).toEqual([])
  })

  it('fails at first use, not at creation, where localStorage is missing', () => {
    vi.stubGlobal('localStorage', undefined)
    try {
      const storage = localStorageBackend('q')
      expect(() => storage.load()).toThrow(/localStorage is not available/)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('uses globalThis.localStorage by default', async () => {
    const ls = new FakeStorage()
    vi.stubGlobal('localStorage', ls)
    try {
      await localStorageBackend('q').add(frame(1))
      expect(ls.getItem('q:1')).toBe('1001,frame 1')
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('behind an outbox: quota exceeded is one error event, and no frame is lost', async () => {
    const ls = new FakeStorage(40)
    const { outbox, errors } = setup({ storage: localStorageOutbox('q', ls) })
    await flush()
    const sent = Array.from({ length: 5 }, (_, i) => `message number ${i}`)
    for (const f of sent) outbox.push({ frame: f, persist: true })
    await flush()
    expect(errors).toHaveLength(1)
    expect((errors[0] as DOMException).name).toBe('QuotaExceededError')
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(w.frames()).toEqual(sent)
    await flush()
    expect(ls.length).toBe(0)
  })

  it('behind an outbox: corrupt data is one error event and a memory-only outbox', async () => {
    const ls = new FakeStorage()
    ls.setItem('q:1', 'garbage')
    const { outbox, errors } = setup({ storage: localStorageOutbox('q', ls) })
    outbox.push({ frame: 'a', persist: true })
    await flush()
    expect(errors).toHaveLength(1)
    expect(ls.length).toBe(0)
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(w.frames()).toEqual(['a'])
  })
})

describe('binary frames in storage', () => {
  const bytes = Uint8Array.from({ length: 70_000 }, (_, index) => (index * 31) & 0xff)

  it('localStorage keeps bytes as base64 that round-trips, text beside them untouched', async () => {
    const ls = new FakeStorage()
    const storage = localStorageBackend('q', ls)
    await storage.add({ id: 1, frame: bytes, at: 1001 })
    await storage.add({ id: 2, frame: '~,not binary', at: 1002, position: 3, session: 's' })
    await storage.add({ id: 3, frame: new Uint8Array([0, 255]), at: 1003, position: 4, session: 's;,' })
    expect(ls.getItem('q:3')).toBe('1003~;4;s%3B%2C,AP8=')
    expect(await localStorageBackend('q', ls).load()).toEqual([
      { id: 1, frame: bytes, at: 1001 },
      { id: 2, frame: '~,not binary', at: 1002, position: 3, session: 's' },
      { id: 3, frame: new Uint8Array([0, 255]), at: 1003, position: 4, session: 's;,' },
    ])
  })

  it('localStorage reads data written before binary frames were kept', async () => {
    const ls = new FakeStorage()
    ls.setItem('q:1', '1001,{"jsonrpc":"2.0","method":"m"}')
    expect(await localStorageBackend('q', ls).load()).toEqual([{ id: 1, frame: '{"jsonrpc":"2.0","method":"m"}', at: 1001 }])
  })

  it('localStorage clears broken base64 as corrupt data', () => {
    const ls = new FakeStorage()
    ls.setItem('q:1', '1001~,%%% not base64')
    expect(() => localStorageBackend('q', ls).load()).toThrow(/was corrupt and has been cleared/)
  })

  it('localStorage refuses a Blob with an error that says what to use, and the outbox keeps it in memory', async () => {
    const ls = new FakeStorage()
    expect(() => localStorageBackend('q', ls).add({ id: 1, frame: new Blob(['x']), at: 1 })).toThrow(/cannot keep a Blob: use indexedDbOutbox/)
    const { outbox, errors } = setup({ storage: localStorageOutbox('q', ls) })
    await flush()
    const blob = new Blob(['abc'])
    outbox.push({ frame: blob, persist: true })
    await vi.waitFor(() => expect(errors).toHaveLength(1), patient)
    expect(String(errors[0])).toMatch(/Blob/)
    const w = fakeWriter()
    outbox.attach(w.writer)
    expect(w.frames()).toEqual([blob])
  })

  it('IndexedDB keeps bytes and Blobs natively across a reload', async () => {
    const factory = new IDBFactory()
    const first = setup({ storage: indexedDbOutbox('outbox', factory) })
    await flush()
    first.outbox.push({ frame: bytes, persist: true })
    first.outbox.push({ frame: new Blob(['blob!']), persist: true })
    first.outbox.push({ frame: 'text', persist: true })
    await vi.waitFor(async () => expect(await indexedDbBackend('outbox', factory).load()).toHaveLength(3), patient)
    const second = setup({ storage: indexedDbOutbox('outbox', factory) })
    await vi.waitFor(() => expect(second.outbox.size).toBe(3), patient)
    const w = fakeWriter()
    second.outbox.attach(w.writer)
    const [sentBytes, sentBlob, sentText] = w.frames()
    expect(sentBytes).toEqual(bytes)
    expect(await (sentBlob as Blob).text()).toBe('blob!')
    expect(sentText).toBe('text')
  })
})

describe('indexedDbOutbox', () => {
  it('round-trips frames in id order across instances', async () => {
    const factory = new IDBFactory()
    await roundTrip(() => indexedDbBackend('outbox', factory))
  })

  it('keeps databases apart by name', async () => {
    const factory = new IDBFactory()
    await indexedDbBackend('a', factory).add(frame(1))
    expect(await indexedDbBackend('b', factory).load()).toEqual([])
  })

  it('clears corrupt records and rejects with a clear error, then works again', async () => {
    const factory = new IDBFactory()
    const storage = indexedDbBackend('outbox', factory)
    await storage.add(frame(1))
    await storage.add({ id: 2, frame: 42, at: 'yesterday' } as never)
    await expect(storage.load()).rejects.toThrow(/outbox data in IndexedDB "outbox" was corrupt and has been cleared/)
    expect(await storage.load()).toEqual([])
  })

  it('rejects at first use where IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined)
    try {
      const storage = indexedDbBackend('outbox')
      await expect(storage.load()).rejects.toThrow(/IndexedDB is not available/)
      await expect(storage.add(frame(1))).rejects.toThrow(/IndexedDB is not available/)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('rejects when the database cannot be opened', async () => {
    const factory = new IDBFactory()
    const newer = factory.open('outbox', 5)
    await new Promise((resolve) => {
      newer.onsuccess = () => resolve(newer.result.close())
    })
    await expect(indexedDbBackend('outbox', factory).load()).rejects.toThrow()
  })

  it('does not block another tab that deletes the database', async () => {
    const factory = new IDBFactory()
    const storage = indexedDbBackend('outbox', factory)
    await storage.add(frame(1))
    const deleting = factory.deleteDatabase('outbox')
    await new Promise((resolve, reject) => {
      deleting.onsuccess = resolve
      deleting.onerror = reject
    })
    await expect(storage.load()).rejects.toThrow()
  })

  it('behind an outbox: a reload sends every frame exactly once, in order', async () => {
    const factory = new IDBFactory()
    const first = setup({ storage: indexedDbOutbox('outbox', factory) })
    for (const f of ['a', 'b', 'c']) first.outbox.push({ frame: f, persist: true })
    await vi.waitFor(async () => expect(await indexedDbBackend('outbox', factory).load()).toHaveLength(3), patient)

    const second = setup({ storage: indexedDbOutbox('outbox', factory) })
    const w = fakeWriter()
    second.outbox.attach(w.writer)
    second.outbox.push({ frame: 'd', persist: true })
    await vi.waitFor(() => expect(w.frames()).toEqual(['a', 'b', 'c', 'd']), patient)
    await vi.waitFor(async () => expect(await indexedDbBackend('outbox', factory).load()).toEqual([]), patient)

    const third = setup({ storage: indexedDbOutbox('outbox', factory) })
    const w3 = fakeWriter()
    third.outbox.attach(w3.writer)
    third.outbox.push({ frame: 'e' })
    await vi.waitFor(() => expect(w3.frames()).toEqual(['e']), patient)
    expect([first.errors, second.errors, third.errors]).toEqual([[], [], []])
  })
})
