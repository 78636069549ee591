// Types for encoding-cases.mjs, so the unit tests can import it under strict TypeScript.
import type { Message, Protocol, WireFrame } from '../../src/protocol/protocol'

export interface Codec {
  encode(message: Message): WireFrame
  decode(frame: WireFrame): unknown
}
type Notification = Extract<Message, { type: 'notification' }> & { params: Record<string, unknown> }
export const payloads: Record<'chat message' | 'price tick' | '60 Hz cursor + 16-byte blob', Notification>
export function dialectCodecs(libs: {
  jsonRpc: () => Protocol<string>
  msgpack: () => Protocol<Uint8Array>
  SocketIoEncoder: new () => { encode(packet: unknown): [WireFrame] }
  SocketIoDecoder: new () => { add(frame: WireFrame): void; on(event: 'decoded', listener: (packet: unknown) => void): void }
}): Record<string, Codec>
export function libraryCodecs(libs: { MsgpackEncoder: unknown; MsgpackDecoder: unknown; Packr: unknown }): Record<string, Codec>
export function frameBytes(frame: WireFrame): number
export function timeCodec(codec: Codec, message: Message, n: number): { encode: number; decode: number; bytes: number }
