/**
 * RPC playground: calls with a timeout, cancellation with an AbortController,
 * and every way a call can fail, shown as the typed error it rejects with.
 */
import type { Meta, StoryObj } from '@storybook/html-vite'
import type { Client } from '../src/index'
import { h, logLine } from './lib/dom'
import { clientArgTypes, clientArgs, connect, guarded, type ClientArgs } from './lib/story'
import { toolbar } from './lib/toolbar'

interface RpcArgs extends ClientArgs {
  callTimeout: number
}

const presets: Array<[label: string, method: string, params: unknown, timeout: number | '']> = [
  ['echo', 'echo', { hello: 'world' }, ''],
  ['slow 3 s', 'slow', { ms: 3000, value: 'done' }, ''],
  ['slow 3 s, timeout 1 s', 'slow', { ms: 3000 }, 1000],
  ['RpcError with data', 'fail', { code: 4002, message: 'Room is full', data: { room: 'lobby', max: 50 } }, ''],
  ['method not found', 'no.such.method', {}, ''],
]

/** What an RpcError carries besides its message. */
interface RpcFailure extends Error {
  code: number
  data?: unknown
}

/** By name, not instanceof: the check then holds across realms and bundles, as the library's own guards do. */
const isRpcFailure = (err: unknown): err is RpcFailure => err instanceof Error && err.name === 'RpcError' && 'code' in err

/** One line per failure: the error's class, and for an RpcError its code, message and data. */
function describeError(err: unknown): string {
  if (isRpcFailure(err)) return `RpcError ${err.code}: ${err.message}${err.data === undefined ? '' : ` data=${JSON.stringify(err.data)}`}`
  const e = err as Error
  return `${e.name}: ${e.message}`
}

const render = (args: RpcArgs): HTMLElement => {
  const typed = connect(args, { callTimeout: args.callTimeout })
  // The playground calls methods by name from a text field, so it uses the untyped view of the client.
  const client = typed as unknown as Client
  const method = h('input', { value: 'echo', size: 16, 'data-testid': 'method' })
  const params = h('textarea', { rows: 3, id: 'rpc-params', 'data-testid': 'params' })
  params.value = JSON.stringify({ hello: 'world' })
  const timeout = h('input', { type: 'number', min: 1, placeholder: `${args.callTimeout} (callTimeout)`, size: 12, 'data-testid': 'timeout' })
  const inflight = h('ul', { class: 'log', tabIndex: 0, 'data-testid': 'inflight' })
  const log = h('ul', { class: 'log', tabIndex: 0, 'data-testid': 'results' })
  let n = 0

  const call = () => {
    let p: unknown
    try {
      p = params.value.trim() ? JSON.parse(params.value) : undefined
    } catch (err) {
      return logLine(log, `params are not JSON: ${(err as Error).message}`, 'error')
    }
    const id = ++n
    // The name as called: the field may change before the answer comes back.
    const name = method.value
    const controller = new AbortController()
    const started = performance.now()
    const ms = timeout.value ? Number(timeout.value) : undefined
    const row = h('li', {}, `#${id} ${name} `, h('button', { class: 'small', onclick: () => controller.abort(), 'data-testid': `cancel-${id}` }, 'Cancel'))
    inflight.append(row)
    client.call(name, p, { signal: controller.signal, ...(ms ? { timeout: ms } : {}) }).then(
      (result) => logLine(log, `#${id} ${name} → ${JSON.stringify(result)} (${Math.round(performance.now() - started)} ms)`, 'ok'),
      (err: unknown) => logLine(log, `#${id} ${name} ✗ ${describeError(err)} (${Math.round(performance.now() - started)} ms)`, 'error'),
    ).finally(() => row.remove())
  }

  const preset = ([label, m, p, t]: (typeof presets)[number]) => h('button', {
    onclick: () => {
      method.value = m
      params.value = JSON.stringify(p)
      timeout.value = String(t)
      call()
    },
  }, label)

  return h('main', { class: 'story' },
    h('h1', {}, 'RPC playground'),
    h('p', {}, 'Every promise settles: with the result, an RpcError (code, message, data), a TimeoutError, the abort reason, or ConnectionClosedError when the socket drops mid-call and the session cannot resume it.'),
    toolbar(typed),
    h('div', { class: 'row' }, h('span', { class: 'group-label' }, 'try'), ...presets.map(preset)),
    h('div', { class: 'panel' },
      h('div', { class: 'row' }, h('label', {}, 'Method ', method), h('label', {}, 'Timeout (ms) ', timeout),
        h('button', { onclick: call, class: 'primary', 'data-testid': 'call' }, 'Call')),
      h('label', { for: 'rpc-params', style: 'display:block;margin:6px 0 2px' }, 'Params (JSON)'), params),
    h('div', { class: 'cols' }, h('div', { class: 'panel' }, h('h2', {}, 'Results'), log), h('div', { class: 'panel' }, h('h2', {}, 'In flight'), inflight)),
  )
}

const meta = {
  title: 'Demos/RPC playground',
  render: guarded(render),
  args: { ...clientArgs, callTimeout: 10000 },
  argTypes: {
    ...clientArgTypes,
    callTimeout: {
      name: 'Call timeout (ms)', control: { type: 'number', min: 1 },
      description: 'Default timeout of every call (`callTimeout`); the Timeout field overrides it per call.',
      table: { category: 'This demo', defaultValue: { summary: '30000' } },
    },
  },
} satisfies Meta<RpcArgs>

export default meta
export const RpcPlayground: StoryObj<RpcArgs> = { name: 'RPC playground' }
