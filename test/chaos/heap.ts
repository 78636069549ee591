/**
 * Heap after many reconnect cycles: one real client reconnects `cycles` times to the chaos
 * server (in its child process); the client process's heap (after a full GC) at cycle 100 and at
 * the last cycle must be within BOUND of each other, and so must the server's.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import WebSocket from 'ws'
import { createClient, type WebSocketConstructor } from '../../src/index'
import { buildEntry } from './build'
import { startServerChild } from './child'

/** Allowed heap growth between cycle 100 and the last, bytes. */
export const HEAP_BOUND = 2 * 1024 * 1024
const BASELINE = 100

export interface HeapFigures {
  cycles: number
  clientAt100: number
  clientAtEnd: number
  serverAt100: number
  serverAtEnd: number
  growth: number
  bound: number
  passed: boolean
}

function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed) return exposed
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

const heapNow = (gc: () => void) => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

export async function reconnectHeap(cycles: number): Promise<HeapFigures> {
  const gc = collector()
  const script = await buildEntry('server-child.ts', 'server-child')
  // No server events: this client drops every socket at its open, so it never reads (nor acknowledges) them.
  const child = await startServerChild(script, { CHAOS_PUBLISH_EVERY: '1000', CHAOS_EVENT_EVERY: '0' })
  const client = createClient(`ws://127.0.0.1:${child.port}`, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { backoff: () => 0 },
  })
  client.subscribe('topic-0', () => {})
  let opens = 0
  let baseline: { client: number; server: number } | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      client.on('open', () => {
        opens++
        if (opens === BASELINE) {
          // Measured outside the open handler, so the measurement itself is not inside a cycle.
          setImmediate(() => {
            const clientHeap = heapNow(gc)
            void child.memory().then((memory) => {
              baseline = { client: clientHeap, server: memory.heapUsed }
              client.reconnect()
            })
          })
          return
        }
        if (opens >= cycles) resolve()
        else client.reconnect()
      })
      client.on('close', (info) => {
        if (client.state === 'closed') reject(new Error(`client closed for good: ${info.code}`))
      })
    })
    const clientAtEnd = heapNow(gc)
    const serverAtEnd = (await child.memory()).heapUsed
    const growth = Math.max(clientAtEnd - baseline!.client, serverAtEnd - baseline!.server)
    return {
      cycles,
      clientAt100: baseline!.client,
      clientAtEnd,
      serverAt100: baseline!.server,
      serverAtEnd,
      growth,
      bound: HEAP_BOUND,
      passed: growth <= HEAP_BOUND,
    }
  } finally {
    client.close()
    await child.stop()
  }
}
