/**
 * The latest-ref pattern: a ref that holds the value of the last committed
 * render, for callbacks that must not re-subscribe when a function changes.
 * @module
 */
import { useInsertionEffect, useRef, type RefObject } from 'react'

/**
 * A ref to `value` as of the last committed render. Written in an insertion effect rather than
 * during render: a render React throws away (concurrent rendering) must not leave its closure
 * behind; insertion effects run before any other effect, and do nothing (and warn about nothing)
 * on the server.
 * @internal
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value)
  useInsertionEffect(() => {
    ref.current = value
  })
  return ref
}
