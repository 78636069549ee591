/**
 * One message sent to many clients, encoded once per dialect on first
 * need: a server may speak several (JSON to some connections, MessagePack to
 * others), and fan-out (topics, broadcast) must not encode per recipient.
 * @module
 */
import type { Message, Protocol, WireFrame } from '../../protocol/protocol'

/**
 * The frame of `message` in a dialect: encoded on the first call for that dialect, kept for the next.
 * A dialect that cannot encode it (JSON and binary data) gives its error, every time. @internal
 */
export type FrameFor = (protocol: Protocol) => WireFrame | Error

/** @internal */
export function framesOf(message: Message): FrameFor {
  const frames = new Map<Protocol, WireFrame | Error>()
  return (protocol) => {
    let frame = frames.get(protocol)
    if (frame === undefined) {
      try {
        frame = protocol.encode(message)
      } catch (err) {
        frame = err instanceof Error ? err : new Error(String(err))
      }
      frames.set(protocol, frame)
    }
    return frame
  }
}

/**
 * Checks, before a fan-out takes a sequence number or reaches anyone, that at least one of `dialects`
 * can encode the message: throws the first one's error when none can. @internal
 */
export function assertEncodable(frameFor: FrameFor, dialects: Iterable<Protocol>): void {
  let first: Error | undefined
  for (const dialect of dialects) {
    const frame = frameFor(dialect)
    if (!(frame instanceof Error)) return
    first ??= frame
  }
  if (first) throw first
}
