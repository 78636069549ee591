/**
 * Running a keyed message (`once`, docs/protocol.md, "Keyed messages") at
 * most once in its session: the first time it runs and, for a request, its
 * answer is remembered; written again, it does not run, and a request gets
 * the first run's answer under its own id.
 * @module
 */
import type { ErrorObject, Id, Message, Once } from '../../protocol/protocol'
import { errorReply, type Commit, type Handled } from './answers'
import type { Codes } from './codes'
import type { KeptAnswer, Repeats } from './repeats'

/** A well-formed `once`: an origin of at most 128 characters and a positive integer n. @internal */
export const isOnce = (value: unknown): value is Once =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && value[0].length <= 128 && Number.isSafeInteger(value[1]) && value[1] > 0

/** What a reply leaves to remember: its result or its error, without the id. */
function kept(reply: Message | undefined): KeptAnswer {
  if (reply?.type === 'response') return { result: reply.result }
  if (reply?.type === 'error') return { error: reply.error }
  return undefined
}

/**
 * `run` runs the message; `error` makes an error answer (undefined for a notification); `repeated`
 * wraps the answer of a repeat (a counted frame answers once it counts: routing.ts). Called when the
 * message's turn comes (routing.ts), never on arrival: one that never starts here (its connection went
 * first) is not marked, and runs when it is written again.
 * @internal
 */
export function runKeyed(
  once: Once,
  repeats: Repeats,
  id: Id | null | undefined,
  run: () => Handled,
  error: (failure: ErrorObject) => Commit | undefined,
  codes: Codes,
  repeated: (answer: () => Handled) => Handled = (answer) => answer(),
): Handled {
  if (repeats.seen(once)) {
    // Written again (two leader tabs of lifeline-ws/share both wrote it): not run again.
    return repeated(() => {
      if (id === undefined) return undefined
      const forgotten = () => error({ code: codes.alreadyRun, message: 'Already run in this session; its answer is no longer kept' })
      const kept = repeats.answer(once)
      if (!kept) return forgotten()
      return kept.then((first) => {
        if (!first) return forgotten()
        return () => ({ reply: 'error' in first ? errorReply(id, first.error) : { type: 'response', id, result: first.result } })
      })
    })
  }
  const handled = run()
  if (id === undefined) return handled
  let settle: (answer: KeptAnswer) => void = () => {}
  const answer = new Promise<KeptAnswer>((resolve) => {
    settle = resolve
  })
  repeats.keep(once, answer)
  /** The same commit, remembering the answer as it is written. */
  const remembered = (commit: Commit | undefined): Commit | undefined => {
    if (!commit) {
      // No answer to remember (not expected for a request): a repeat is told it ran, without a result.
      settle(undefined)
      return undefined
    }
    return () => {
      const written = commit()
      settle(kept(written.reply))
      return written
    }
  }
  if (!(handled instanceof Promise)) return remembered(handled)
  return handled.then(remembered, (err: unknown) => {
    // A repeat must not wait for an answer that will never come.
    settle(undefined)
    throw err
  })
}
