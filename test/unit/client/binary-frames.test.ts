// Issue #30: binary frames at the client. The dialect judges every frame (JSON refuses bytes, msgpack()
// text), and msgpack() brings what its socket needs (its subprotocol first, ArrayBuffers), so that a
// client on JSON ships none of that.
import { encode as rawEncode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { createClient, isProtocolError, type ClientOptions } from '../../../src/index'
import { msgpack } from '../../../src/msgpack'
import { FakeSocket } from '../../helpers/fake-socket'
import { fakeTimersPerTest, flush } from '../socket/harness'

fakeTimersPerTest()

const options: ClientOptions = { WebSocket: FakeSocket.ctor, environment: { window: undefined, document: undefined, navigator: undefined } }

/** `bytes` as a browser hands them over with binaryType 'arraybuffer': an ArrayBuffer of exactly them. */
const arrayBuffer = (bytes: Uint8Array) => bytes.slice().buffer

describe('a client on JSON', () => {
  it('offers no subprotocol and leaves binaryType alone: nothing of the binary dialect', async () => {
    createClient('ws://test.local/json', options)
    await flush()
    expect(FakeSocket.last.protocols).toBeUndefined()
    expect(FakeSocket.last.binaryType).toBe('blob')
  })

  it('takes a binary first frame for a plain server, and says what came', async () => {
    const client = createClient('ws://test.local/json-first', options)
    const errors: unknown[] = []
    client.on('error', (err) => errors.push(err))
    await flush()
    FakeSocket.last.accept()
    FakeSocket.last.receive(arrayBuffer(new Uint8Array([1, 2])))
    await flush()
    expect(errors).toHaveLength(1)
    expect((errors[0] as Error).message).toContain('its first frame does not decode: [object ArrayBuffer]')
  })

  it('reports a binary frame after the server spoke as a bad frame, and goes on', async () => {
    const client = createClient('ws://test.local/json-later', options)
    const errors: unknown[] = []
    const events: unknown[] = []
    client.on('error', (err) => errors.push(err))
    client.listen('news', (params) => events.push(params))
    await flush()
    FakeSocket.last.accept()
    FakeSocket.last.receive('{"jsonrpc":"2.0","method":"news","params":{"n":1}}')
    FakeSocket.last.receive(arrayBuffer(new Uint8Array([0x7b, 0x7d])))
    FakeSocket.last.receive('{"jsonrpc":"2.0","method":"news","params":{"n":2}}')
    await flush()
    expect(errors).toEqual([expect.objectContaining({ name: 'ProtocolError', message: 'lifeline: bad frame' })])
    expect(events).toEqual([{ n: 1 }, { n: 2 }])
  })
})

describe('a client on msgpack()', () => {
  it("offers lifeline.msgpack first, before the app's own subprotocols, and reads frames as ArrayBuffers", async () => {
    createClient('ws://test.local/msgpack', { ...options, protocol: msgpack(), protocols: ['app.v2'] })
    await flush()
    expect(FakeSocket.last.protocols).toEqual(['lifeline.msgpack', 'app.v2'])
    expect(FakeSocket.last.binaryType).toBe('arraybuffer')
  })

  it('delivers a binary notification with its bytes, and reports a text frame as a bad frame', async () => {
    const client = createClient('ws://test.local/msgpack-in', { ...options, protocol: msgpack() })
    const errors: unknown[] = []
    const frames: unknown[] = []
    client.on('error', (err) => errors.push(err))
    client.listen('frame', (params) => frames.push(params))
    await flush()
    FakeSocket.last.accept('lifeline.msgpack')
    FakeSocket.last.receive(arrayBuffer(rawEncode([2, 'frame', { pixels: new Uint8Array([4, 5]) }])))
    FakeSocket.last.receive('{"jsonrpc":"2.0","method":"frame"}')
    await flush()
    expect(frames).toEqual([{ pixels: new Uint8Array([4, 5]) }])
    expect(errors).toHaveLength(1)
    expect(isProtocolError(errors[0])).toBe(true)
    // What the client wrote is MessagePack too: its session handshake, as bytes.
    expect(FakeSocket.last.sent[0]).toBeInstanceOf(Uint8Array)
  })
})
