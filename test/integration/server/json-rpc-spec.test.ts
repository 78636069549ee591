// Every example of section 7 of the JSON-RPC 2.0 specification (https://www.jsonrpc.org/specification#examples),
// sent as the spec writes it from a raw socket without a session, answered as the spec says. Only
// the text of error messages may differ (the spec allows any); JSON member order carries no meaning,
// so frames are compared parsed. "Nothing is returned" is shown by a ping sent right after the
// example: its answer must be the next frame.
import { describe, expect, it } from 'vitest'
import { open, start, url, type Peer } from './helpers'

/** The methods the examples call; get_data, sum and subtract answer as the spec shows. */
function specServer(ran: string[]) {
  return start({
    methods: {
      subtract: (params) => {
        if (Array.isArray(params)) return (params[0] as number) - (params[1] as number)
        const { minuend, subtrahend } = params as { minuend: number; subtrahend: number }
        return minuend - subtrahend
      },
      sum: (params) => (params as number[]).reduce((a, b) => a + b, 0),
      get_data: () => ['hello', 5],
      update: (params) => void ran.push(`update ${JSON.stringify(params)}`),
      notify_hello: (params) => void ran.push(`notify_hello ${JSON.stringify(params)}`),
      notify_sum: (params) => void ran.push(`notify_sum ${JSON.stringify(params)}`),
    },
  })
}

/** The spec's expected frame, parsed, with every error message free to differ. */
function expected(text: string): unknown {
  const loosen = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(loosen)
    const object = value as { error?: { code: number; message: string } }
    return object.error ? { ...object, error: { ...object.error, message: expect.any(String) } } : value
  }
  return loosen(JSON.parse(text))
}

interface Example {
  /** The spec's heading for it. */
  name: string
  /** What the spec shows, in order: `-->` sent to the server, `<--` the answer (one frame each). */
  exchange: ['-->' | '<--', string][]
  /** What the notifications among them ran, in order. */
  ran?: string[]
}

const examples: Example[] = [
  {
    name: 'rpc call with positional parameters',
    exchange: [
      ['-->', '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}'],
      ['<--', '{"jsonrpc": "2.0", "result": 19, "id": 1}'],
      ['-->', '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}'],
      ['<--', '{"jsonrpc": "2.0", "result": -19, "id": 2}'],
    ],
  },
  {
    name: 'rpc call with named parameters',
    exchange: [
      ['-->', '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}'],
      ['<--', '{"jsonrpc": "2.0", "result": 19, "id": 3}'],
      ['-->', '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}'],
      ['<--', '{"jsonrpc": "2.0", "result": 19, "id": 4}'],
    ],
  },
  {
    name: 'a Notification',
    exchange: [
      ['-->', '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}'],
      ['-->', '{"jsonrpc": "2.0", "method": "foobar"}'],
    ],
    ran: ['update [1,2,3,4,5]'],
  },
  {
    name: 'rpc call of non-existent method',
    exchange: [
      ['-->', '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}'],
      ['<--', '{"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"}'],
    ],
  },
  {
    name: 'rpc call with invalid JSON',
    exchange: [
      ['-->', '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]'],
      ['<--', '{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}'],
    ],
  },
  {
    name: 'rpc call with invalid Request object',
    exchange: [
      ['-->', '{"jsonrpc": "2.0", "method": 1, "params": "bar"}'],
      ['<--', '{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}'],
    ],
  },
  {
    name: 'rpc call Batch, invalid JSON',
    exchange: [
      ['-->', `[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method"
]`],
      ['<--', '{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}'],
    ],
  },
  {
    name: 'rpc call with an empty Array',
    exchange: [
      ['-->', '[]'],
      ['<--', '{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}'],
    ],
  },
  {
    name: 'rpc call with an invalid Batch (but not empty)',
    exchange: [
      ['-->', '[1]'],
      ['<--', `[
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}
]`],
    ],
  },
  {
    name: 'rpc call with invalid Batch',
    exchange: [
      ['-->', '[1,2,3]'],
      ['<--', `[
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}
]`],
    ],
  },
  {
    name: 'rpc call Batch',
    exchange: [
      ['-->', `[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
  {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
  {"foo": "boo"},
  {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
  {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
]`],
      ['<--', `[
  {"jsonrpc": "2.0", "result": 7, "id": "1"},
  {"jsonrpc": "2.0", "result": 19, "id": "2"},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
  {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
]`],
    ],
    ran: ['notify_hello [7]'],
  },
  {
    name: 'rpc call Batch (all notifications)',
    exchange: [
      ['-->', `[
  {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
]`],
    ],
    ran: ['notify_sum [1,2,4]', 'notify_hello [7]'],
  },
  // Section 4: "An identifier ... MUST contain a String, Number, or NULL value if included"; a null id
  // is discouraged, not refused. The answer carries it back.
  {
    name: 'a request with "id": null (section 4, not an example of section 7)',
    exchange: [
      ['-->', '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": null}'],
      ['<--', '{"jsonrpc": "2.0", "result": 19, "id": null}'],
    ],
  },
]

/** A ping after the example: the next frame must be its answer, so nothing else was sent. */
async function nothingMore(peer: Peer) {
  peer.send({ jsonrpc: '2.0', method: 'rpc.ping', id: 'after the example' })
  expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 'after the example', result: 'pong' })
}

describe('JSON-RPC 2.0 specification, section 7: every example from a raw socket', () => {
  it.each(examples)('$name', async ({ exchange, ran: wanted = [] }) => {
    const ran: string[] = []
    const server = await specServer(ran)
    const peer = await open(url(server))
    for (const [direction, text] of exchange) {
      if (direction === '-->') peer.send(text)
      else expect(await peer.next()).toStrictEqual(expected(text))
    }
    await nothingMore(peer)
    expect(ran).toEqual(wanted)
  })
})

describe('a batch with invalid members, on a session', () => {
  it('counts the frame like any other: a batch of only invalid members does not hold back the frames after it', async () => {
    const server = await specServer([])
    const first = await open(url(server))
    const answer = await first.call('rpc.session', { id: null, received: 0 }, 1)
    const session = (answer.result as { id: string }).id
    // Two tracked frames: invalid members only, then a request; each answered.
    first.send('[1, 2]')
    expect(await first.next()).toStrictEqual(expected('[{"jsonrpc": "2.0", "error": {"code": -32600, "message": ""}, "id": null}, {"jsonrpc": "2.0", "error": {"code": -32600, "message": ""}, "id": null}]'))
    first.send('[1, {"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": "s"}]')
    expect(await first.next()).toStrictEqual(expected('[{"jsonrpc": "2.0", "error": {"code": -32600, "message": ""}, "id": null}, {"jsonrpc": "2.0", "result": 3, "id": "s"}]'))
    first.socket.close()
    await first.closed
    // The session counted both frames: a resume says so, and the client would write neither again.
    const second = await open(url(server))
    const resumed = await second.call('rpc.session', { id: session, received: 0 }, 2)
    expect(resumed.result).toMatchObject({ id: session, resumed: true, received: 2 })
  })
})
