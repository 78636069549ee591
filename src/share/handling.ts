/**
 * The methods a tab handles (docs/sharing.md): the handlers of the tab's RPC
 * layer, telling the leader when a method gets its handler here and when it
 * loses it, since the leader sends a server request only to a tab that
 * handles its method; a new leader is told every method still handled.
 * @module
 */
import type { Handlers } from '../client/handlers'

/** @internal */
export interface Handling extends Handlers {
  /** Every method with a handler. */
  methods(): Iterable<string>
}

/** `tell`: tell the leader that `method` got a handler in this tab (`handled`) or lost it. @internal */
export function createHandling(handlers: Handlers, tell: (method: string, handled: boolean) => void): Handling {
  const methods = new Set<string>()
  return {
    request: handlers.request,
    handle(method, fn) {
      const unhandle = handlers.handle(method, fn)
      methods.add(method)
      tell(method, true)
      return () => {
        if (!unhandle()) return false
        methods.delete(method)
        tell(method, false)
        return true
      }
    },
    methods: () => methods.values(),
  }
}
