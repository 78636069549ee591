/**
 * Reading a JSON request body (bounded) and writing a JSON answer: the plumbing of the HTTP routes.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** A request the API refuses: its HTTP status and the message of `{ error }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** Largest request body accepted, bytes (a publish carries one message). */
export const MAX_BODY = 1024 * 1024

/** The request's body parsed as a JSON object; an HttpError (400, 413, 415) otherwise. */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw new HttpError(415, 'Content-Type must be application/json')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) throw new HttpError(413, `body over ${MAX_BODY} bytes`)
    chunks.push(chunk)
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(400, 'body is not JSON')
  }
  if (typeof body != 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object')
  return body as Record<string, unknown>
}

/** Write `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
  response.end(text)
}
