/**
 * The gateway's HTTP client for its backend: one JSON POST with a deadline, on keep-alive
 * connections, and the retry loop for calls that may run twice. A failure is a
 * {@link BackendFailure} saying what went wrong, never a hang: every request ends by its deadline.
 * @module
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

/** Why a backend request gave no usable answer. */
export type FailureKind = 'unreachable' | 'timeout' | 'invalid'

/** A backend request that gave no usable answer: not reached, too slow, or not JSON. */
export class BackendFailure extends Error {
  override readonly name = 'BackendFailure'
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The backend's answer: its status and its parsed JSON body (undefined when empty). */
export interface BackendAnswer {
  status: number
  body: unknown
}

/** Largest answer read from the backend; a bigger one is `invalid` (it could not reach a client anyway). */
const MAX_ANSWER = 16 * 1024 * 1024

/** POSTs JSON to one backend. */
export interface Backend {
  post(path: string, body: unknown, headers: Record<string, string>, timeout: number): Promise<BackendAnswer>
  close(): void
}

/** A client for the backend at `base` (`http://host:port`, no trailing slash). */
export function createBackend(base: string): Backend {
  const secure = base.startsWith('https:')
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  const send = secure ? httpsRequest : httpRequest
  return {
    post(path, body, headers, timeout) {
      const payload = JSON.stringify(body)
      return new Promise<BackendAnswer>((resolve, reject) => {
        const request = send(`${base}${path}`, {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        })
        const timer = setTimeout(() => request.destroy(new BackendFailure('timeout', `no answer from ${path} within ${timeout} ms`)), timeout)
        const fail = (err: unknown) => {
          clearTimeout(timer)
          reject(err instanceof BackendFailure ? err : new BackendFailure('unreachable', `${path}: ${(err as Error).message}`, { cause: err }))
        }
        request.on('error', fail)
        request.on('response', (response) => {
          const chunks: Buffer[] = []
          let size = 0
          response.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_ANSWER) request.destroy(new BackendFailure('invalid', `${path}: answer over ${MAX_ANSWER} bytes`))
            else chunks.push(chunk)
          })
          response.on('error', fail)
          response.on('end', () => {
            clearTimeout(timer)
            const text = Buffer.concat(chunks).toString('utf8')
            try {
              resolve({ status: response.statusCode ?? 0, body: parse(text, response.headers) })
            } catch (err) {
              reject(new BackendFailure('invalid', `${path}: status ${response.statusCode}, body is not JSON`, { cause: err }))
            }
          })
        })
        request.end(payload)
      })
    },
    close: () => agent.destroy(),
  }
}

/** JSON bodies are parsed; an empty one is undefined; text of another type is kept as a string (a refusal's reason). */
function parse(text: string, headers: IncomingHttpHeaders): unknown {
  if (!text) return undefined
  if (/json/.test(headers['content-type'] ?? 'application/json')) return JSON.parse(text)
  return text
}

/** Statuses worth another attempt: the backend, or a proxy before it, is passing trouble. */
const RETRIED_STATUS = new Set([502, 503, 504])

/**
 * Run `attempt` up to `1 + retries` times while it fails to reach the backend (unreachable,
 * timeout, 502/503/504), waiting `delay * 2^n` (with jitter) between attempts. For calls that may run
 * twice only: the caller decides.
 */
export async function withRetries(attempt: () => Promise<BackendAnswer>, retries: number, delay = 50): Promise<BackendAnswer> {
  for (let tried = 0; ; tried++) {
    let answer: BackendAnswer | undefined
    let failure: unknown
    try {
      answer = await attempt()
    } catch (err) {
      failure = err
    }
    const retryable = answer ? RETRIED_STATUS.has(answer.status) : failure instanceof BackendFailure && failure.kind !== 'invalid'
    if (!retryable || tried >= retries) {
      if (answer) return answer
      throw failure
    }
    await new Promise((resolve) => setTimeout(resolve, delay * 2 ** tried * (0.5 + Math.random() / 2)))
  }
}
