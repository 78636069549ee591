/**
 * What running one inbound message gives the dispatcher (dispatch.ts): a
 * {@link Finish} that writes its answer, at once or once the message had to
 * wait.
 * @module
 */
import type { ErrorObject, Id, Message } from '../../protocol/protocol'

/** Runs synchronously when the answer is written, so nothing is published or attached in between. @internal */
export type Finish = () => { reply?: Message; after?: string[] }
/** What running one message gives: its Finish at once, or later when it had to wait (a promise). @internal */
export type Ran = Finish | undefined | Promise<Finish | undefined>

/** An error answer. @internal */
export const fail = (id: Id | null, error: ErrorObject): Message => ({ type: 'error', id, error })
