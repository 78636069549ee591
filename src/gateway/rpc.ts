/**
 * The RPC proxy: each allowed method becomes a server method that POSTs `{ user, info, client,
 * params, notification }` to `{backend}/lifeline/rpc/{method}`. `{ result }` is the answer;
 * `{ error: { code, message, data } }` (any status) becomes the client's `RpcError` as it is; a
 * backend that cannot answer becomes -32010 or -32011. A call is retried only when running it twice
 * is harmless: the method is `idempotent`, or the message is keyed (`once`), whose
 * `Idempotency-Key` lets the backend run it once.
 * @module
 */
import { RpcError, type Context, type MethodHandler, type MethodMessage } from '../server/index'
import { isRecord } from '../checks'
import { BackendFailure, withRetries, type Backend, type BackendAnswer } from './backend'
import type { MethodConfig } from './config'
import { BackendTimeout, BackendUnavailable } from './error-codes'
import type { GatewayUser } from './identity'
import type { Logger } from './log'
import type { ErrorKind, Metrics } from './metrics'

/** What the RPC proxy needs from the gateway. */
export interface RpcProxyOptions {
  backend: Backend
  /** Sent as `Lifeline-Gateway-Token`. */
  token: string | undefined
  metrics: Metrics
  log: Logger
}


/** The backend's `{ error: { code, message, data? } }`, if that is what it answered. */
function errorOf(body: unknown): RpcError | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined
  const { code, message, data } = body.error
  if (!Number.isInteger(code) || typeof message != 'string') return undefined
  return new RpcError(code as number, message, data)
}

/** `ctx.id:origin:n`: unique per keyed message in its session, the same each time it is written. */
const idempotencyKey = (ctx: Context<GatewayUser>, message: MethodMessage) => (message.once ? `${ctx.id}:${message.once[0]}:${message.once[1]}` : undefined)

const failureKinds: Record<BackendFailure['kind'], ErrorKind> = { unreachable: 'backend_unreachable', timeout: 'backend_timeout', invalid: 'backend_invalid' }

/** The server's `methods`: one proxy per allowed method. */
export function rpcMethods(methods: Record<string, MethodConfig>, options: RpcProxyOptions): Record<string, MethodHandler<GatewayUser>> {
  const proxies: Record<string, MethodHandler<GatewayUser>> = {}
  for (const [name, method] of Object.entries(methods)) proxies[name] = rpcProxy(name, method, options)
  return proxies
}

function rpcProxy(name: string, method: MethodConfig, { backend, token, metrics, log }: RpcProxyOptions): MethodHandler<GatewayUser> {
  const path = `/lifeline/rpc/${encodeURIComponent(name)}`
  return async (params, ctx, message) => {
    const notification = message.type === 'notification'
    const key = idempotencyKey(ctx, message)
    const headers: Record<string, string> = {}
    if (token) headers['lifeline-gateway-token'] = token
    if (key) headers['idempotency-key'] = key
    const body = { user: ctx.auth.user, info: ctx.auth.info ?? null, client: ctx.id, params: params ?? null, notification }
    const attempt = () => backend.post(path, body, headers, method.timeout)
    const retries = method.idempotent || key ? method.retries : 0
    const done = metrics.backendTimer('rpc', name)
    let answer: BackendAnswer
    try {
      answer = await withRetries(attempt, retries)
    } catch (err) {
      const failure = err as BackendFailure
      done(failure.kind)
      metrics.error(failureKinds[failure.kind])
      log.warn('backend call failed', { method: name, client: ctx.id, user: ctx.auth.user, kind: failure.kind, error: failure })
      if (failure.kind === 'timeout') throw new RpcError(BackendTimeout, 'Backend timeout')
      throw new RpcError(BackendUnavailable, 'Backend unavailable')
    }
    const refused = errorOf(answer.body)
    if (refused) {
      done('error')
      metrics.error('backend_error_answer')
      if (notification) log.info('backend refused a notification', { method: name, client: ctx.id, code: refused.code, message: refused.message })
      throw refused
    }
    // A notification has no answer to pass on: every 2xx without an error will do (204 included).
    const fine = notification ? answer.status >= 200 && answer.status < 300 : answer.status === 200 && isRecord(answer.body) && 'result' in answer.body
    if (!fine) {
      done('invalid')
      metrics.error('backend_invalid')
      log.warn('backend answer is not { result } or { error }', { method: name, status: answer.status })
      throw new RpcError(BackendUnavailable, 'Backend unavailable')
    }
    done('ok')
    return isRecord(answer.body) ? answer.body.result : null
  }
}
