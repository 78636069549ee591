import { describe, expect, it } from 'vitest'
import { createWorkQueue } from '../../../src/server/messages/work'

describe('flow control: the work queue', () => {
  it('starts in arrival order as slots free up', async () => {
    const work = createWorkQueue(1, 10)
    const started: number[] = []
    expect(work.admit(true)).toBe('now')
    const waiting = [1, 2].map((n) => Promise.resolve(work.admit(true)).then(() => started.push(n)))
    expect(work.queued).toBe(2)
    work.release()
    work.release()
    await Promise.all(waiting)
    expect(started).toEqual([1, 2])
    expect(work.running).toBe(1)
  })

  it('cancels what waits: it resolves false, never starts, and takes no slot', async () => {
    const work = createWorkQueue(1, 10)
    void work.admit(true)
    const waiting = work.admit(true)
    work.cancel()
    expect(await waiting).toBe(false)
    expect(work.queued).toBe(0)
    work.release()
    expect(work.running).toBe(0)
  })

  it('refuses a request, never a notification, once the FIFO is full', () => {
    const work = createWorkQueue(1, 1)
    void work.admit(true)
    void work.admit(true)
    expect(work.admit(true)).toBe('refused')
    expect(work.admit(false)).toBeInstanceOf(Promise)
  })
})
