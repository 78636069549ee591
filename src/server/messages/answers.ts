/**
 * What handling one inbound message gives the inbound path (inbound.ts),
 * in one vocabulary:
 * - an {@link Answer}: what is written for the message, its reply (none for
 *   a notification) and the frames that follow it (a replay);
 * - a {@link Commit}: the function that makes the answer when the frame's
 *   answers are written, synchronously, so that nothing is published or
 *   attached between a subscribe's (or a handshake's) decision and its
 *   replay;
 * - {@link Handled}: a commit now, a promise of one (the message had to
 *   wait), or nothing to write;
 * - {@link Granted}: a protocol request that was granted (a subscribe, a
 *   session handshake), its result and replay, made at that moment too.
 * @module
 */
import type { ErrorObject, Id, Message, WireFrame } from '../../protocol/protocol'

/** What is written for one message. @internal */
export interface Answer {
  reply?: Message
  replay?: WireFrame[]
}

/** Makes a message's answer when its frame's answers are written. @internal */
export type Commit = () => Answer

/** What handling one message gives: its commit now, later (it had to wait), or nothing to write. @internal */
export type Handled = Commit | undefined | Promise<Commit | undefined>

/** A granted protocol request (subscribe, session): its result, and what to replay right after it. @internal */
export interface Granted {
  result: unknown
  replay?: WireFrame[]
}

/** An error reply. @internal */
export const errorReply = (id: Id | null, error: ErrorObject): Message => ({ type: 'error', id, error })
