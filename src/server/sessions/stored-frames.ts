/**
 * A session's frames as a store keeps them: strings, so that a store can
 * write a session as JSON or hand it to Redis as it is. Text frames are kept
 * as they are; a binary frame (a MessagePack client's) as a NUL, then its
 * bytes in base64. No text frame of a lifeline dialect starts with a NUL
 * (JSON cannot), so the two never meet.
 * @module
 */
import type { Protocol, WireFrame } from '../../protocol/protocol'

const BINARY = '\u0000'

/** A frame as the store keeps it. @internal */
export const toStored = (frame: WireFrame): string =>
  typeof frame === 'string' ? frame : BINARY + Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64')

/** A frame as the store kept it, back as it was sent. @internal */
export const fromStored = (stored: string): WireFrame =>
  stored.startsWith(BINARY) ? new Uint8Array(Buffer.from(stored.slice(1), 'base64')) : stored

/** What a frame costs a session's `maxBytes`: its bytes on the wire. @internal */
export const frameBytes = (frame: WireFrame): number => (typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength)

/** Whether each dialect writes text, learnt by encoding one small message with it. */
const writesText = new WeakMap<Protocol, boolean>()

/**
 * True when frames a store kept can be replayed to a connection in `protocol`: they are of its kind
 * (all text, or all binary). A session resumed in another dialect than its frames' starts over. @internal
 */
export function storedFramesFit(frames: readonly string[], protocol: Protocol): boolean {
  let text = writesText.get(protocol)
  if (text === undefined) {
    text = typeof protocol.encode({ type: 'response', id: 0, result: null }) === 'string'
    writesText.set(protocol, text)
  }
  return frames.every((frame) => frame.startsWith(BINARY) !== text)
}
