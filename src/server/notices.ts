/**
 * The server's own notices: errors it makes, or passes on from its broker
 * and session store, to tell its operator something (an origin refused, a
 * store or Redis away). They reach `onError` as Errors like any other; the
 * default `onError` (logError) prints each as one line, since the stack of
 * a refusal or an outage points into the server, not at anything to fix.
 * Anything else (a method or a hook that threw, a failing `authenticate`)
 * is printed with its stack, and the prefix is never written twice.
 * @module
 */

const PREFIX = 'lifeline-ws/server: '
const notices = new WeakSet<object>()

/** Mark `err` as a notice (an object only: anything else is logged as it is), and return it. @internal */
export function asNotice<T>(err: T): T {
  if (typeof err == 'object' && err !== null) notices.add(err)
  return err
}

/** A new notice: an Error with `message` (which starts with the prefix) and `cause`. @internal */
export function notice(message: string, cause?: unknown): Error {
  return asNotice(new Error(message, cause === undefined ? undefined : { cause }))
}

/** The default `onError`: a notice on one line, anything else with its stack, the prefix once. @internal */
export function logError(err: unknown): void {
  const prefixed = err instanceof Error && err.message.startsWith(PREFIX)
  if (err instanceof Error && notices.has(err)) console.error(prefixed ? err.message : `${PREFIX}${err.message}`)
  else if (prefixed) console.error(err)
  else console.error(PREFIX.trimEnd(), err)
}
