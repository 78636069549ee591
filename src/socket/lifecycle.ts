/**
 * The lifecycle emitter of a socket (and of a sharing tab, which mirrors one):
 * `open`, `close`, `state`, `error`… A listener that throws is reported as an
 * `error` event; one that throws in an `error` listener is rethrown outside,
 * like any uncaught error, since reporting it again would loop.
 * @module
 */
import { createEmitter, type Emitter } from '../events'
import type { LifecycleEvents } from './types'

/** @internal */
export function createLifecycle(): Emitter<LifecycleEvents> {
  const lifecycle = createEmitter<LifecycleEvents>((err, event) => {
    if (event === 'error') {
      queueMicrotask(() => {
        throw err
      })
    } else lifecycle.emit('error', err)
  })
  return lifecycle
}
