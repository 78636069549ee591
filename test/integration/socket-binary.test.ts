// createSocket carries binary frames against a real `ws` server: ArrayBuffer, typed arrays (a view's own
// bytes only), DataView and Blob go out as binary frames, queued while offline and flushed in order;
// inbound binary frames reach `message` as the binaryType asks; the outbox bounds count their bytes.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { createSocket, type Socket } from '../../src/socket'
import type { WebSocketConstructor } from '../../src/socket/options'
import { patient } from '../helpers/wait'

const servers: WebSocketServer[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

/** A server that records every frame as [binary?, bytes or text] and sends back what it is told to. */
async function recordingServer() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  servers.push(server)
  await new Promise((resolve) => server.once('listening', resolve))
  const received: { binary: boolean; data: Uint8Array | string }[] = []
  const peers: WebSocket[] = []
  server.on('connection', (peer) => {
    peers.push(peer)
    peer.on('message', (data: Buffer, binary) => received.push({ binary, data: binary ? new Uint8Array(data) : String(data) }))
  })
  const { port } = server.address() as { port: number }
  return { url: `ws://127.0.0.1:${port}`, received, peers }
}

function open(url: string, options: Parameters<typeof createSocket>[1] = {}) {
  const socket = createSocket(url, { WebSocket: WebSocket as unknown as WebSocketConstructor, reconnect: false, heartbeat: false, ...options })
  sockets.push(socket)
  return socket
}

describe('createSocket: binary frames', () => {
  it('sends ArrayBuffer, typed arrays, DataView and Blob as binary frames, queued while connecting, in order', async () => {
    const server = await recordingServer()
    const socket = open(server.url)
    const buffer = new Uint8Array([1, 2, 3, 4, 5, 6]).buffer
    // Sent before the socket opened: queued, then flushed in order.
    socket.send(buffer)
    socket.send(new Uint8Array(buffer, 2, 2))
    socket.send('text')
    socket.send(new Uint16Array([0x0201]))
    socket.send(new DataView(buffer, 4, 2))
    socket.send(new Blob([new Uint8Array([9, 9])]))
    await vi.waitFor(() => expect(server.received).toHaveLength(6), patient)
    expect(server.received).toEqual([
      { binary: true, data: new Uint8Array([1, 2, 3, 4, 5, 6]) },
      { binary: true, data: new Uint8Array([3, 4]) },
      { binary: false, data: 'text' },
      { binary: true, data: new Uint8Array([1, 2]) },
      { binary: true, data: new Uint8Array([5, 6]) },
      { binary: true, data: new Uint8Array([9, 9]) },
    ])
  })

  it.each([
    ['arraybuffer', (data: unknown) => new Uint8Array(data as ArrayBuffer)],
    ['blob', async (data: unknown) => new Uint8Array(await (data as Blob).arrayBuffer())],
  ] as const)('delivers inbound binary frames as binaryType %s asks', async (binaryType, read) => {
    const server = await recordingServer()
    const socket = open(server.url, { binaryType })
    const messages: unknown[] = []
    socket.on('message', (data) => messages.push(data))
    await socket.ready()
    server.peers[0]!.send(new Uint8Array([7, 8, 9]))
    server.peers[0]!.send('still text')
    await vi.waitFor(() => expect(messages).toHaveLength(2), patient)
    expect(messages[0]).toBeInstanceOf(binaryType === 'blob' ? Blob : ArrayBuffer)
    expect(await read(messages[0])).toEqual(new Uint8Array([7, 8, 9]))
    expect(messages[1]).toBe('still text')
  })

  it("counts a binary frame's bytes against maxBytes, not its buffer's", async () => {
    const server = await recordingServer()
    const socket = open(server.url, { queue: { maxBytes: 10, overflow: 'error' } })
    const big = new ArrayBuffer(1000)
    // A 4-byte view of a 1000-byte buffer costs 4 bytes; with 'é' (2 bytes in UTF-8) it is 10 in all.
    socket.send(new Uint8Array(big, 0, 4))
    socket.send(new Blob(['abcd']))
    socket.send('é')
    expect(() => socket.send(new Uint8Array(1))).toThrow(expect.objectContaining({ name: 'QueueFullError' }))
    await vi.waitFor(() => expect(server.received).toHaveLength(3), patient)
  })
})
