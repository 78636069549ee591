/**
 * The shared socket's state as one tab sees it (docs/sharing.md): the state
 * the leader reports, mapped for this tab (a started tab is never `idle`; a
 * new leader's first connect is, for a tab that was open, a reconnect), the
 * `state` events, and the waiters of `ready()`.
 * @module
 */
import type { Emitter } from '../events'
import type { State } from '../socket/reconnect'
import type { LifecycleEvents } from '../socket/types'

/** @internal */
export interface Mirror {
  readonly state: State
  /** True once the tab asked to connect (or was not lazy). */
  readonly started: boolean
  /** The tab asked to connect: it is `connecting` from now on. False when it had already. */
  start(): boolean
  /** A state the leader reported; `closed` is the caller's to handle (the tab closes). */
  report(state: Exclude<State, 'closed'>): void
  /** Resolves once open; rejects with `closedError()` if the tab closes first. */
  ready(): Promise<void>
  /** The tab closed: `closed`, and every `ready()` waiter rejects with `err`. */
  close(err: Error): void
}

/** @internal */
export function createMirror(lazy: boolean, lifecycle: Emitter<LifecycleEvents>, closedError: () => Error): Mirror {
  let state: State = lazy ? 'idle' : 'connecting'
  let opened = false
  let started = !lazy
  let waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = []

  /** Moves to `next`: open settles the `ready()` waiters (before the event), closed rejects them. */
  const set = (next: State, err?: Error) => {
    const prev = state
    if (next === prev) return
    state = next
    if (next === 'open' || next === 'closed') {
      const current = waiters
      waiters = []
      if (next === 'open') opened = true
      for (const { resolve, reject } of current) {
        if (next === 'open') resolve()
        else reject(err!)
      }
    }
    lifecycle.emit('state', next, prev)
  }
  const report = (reported: Exclude<State, 'closed'>) => {
    let next: State = reported
    if (next === 'idle' && started) next = 'connecting'
    if (next === 'connecting' && opened) next = 'reconnecting'
    set(next)
  }
  return {
    get state() {
      return state
    },
    get started() {
      return started
    },
    start() {
      if (started) return false
      started = true
      report(state as Exclude<State, 'closed'>)
      return true
    },
    report,
    ready: () => new Promise<void>((resolve, reject) => {
      if (state === 'open') resolve()
      else if (state === 'closed') reject(closedError())
      else waiters.push({ resolve, reject })
    }),
    close: (err) => set('closed', err),
  }
}
