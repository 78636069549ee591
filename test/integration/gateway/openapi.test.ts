// The server API against its OpenAPI file (src/gateway/openapi.json, shipped as
// dist/gateway-openapi.json): every documented route answers, every answer's status is documented
// for its route and its body matches the documented schema, and the requests that succeed match
// the documented request schemas (and those refused do not).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { apiKey, fakeBackend, gatewayFor } from './harness'

interface Operation {
  requestBody?: { content: { 'application/json': { schema: { $ref: string } } } }
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>
}
const document = JSON.parse(readFileSync(join(import.meta.dirname, '../../../src/gateway/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>
  components: { responses: Record<string, { content: Record<string, { schema: unknown }> }> }
}
const ajv = new Ajv2020({ strict: false, allErrors: true })
ajv.addSchema(document, 'openapi.json')
const validate = (schema: unknown, value: unknown) => {
  const check = ajv.compile({ $ref: `openapi.json${(schema as { $ref: string }).$ref}` })
  return check(value) ? [] : (check.errors ?? [])
}

/** The schema of the answer documented for `path`/`method`/`status` (undefined when not documented). */
function documented(path: string, method: string, status: number) {
  const response = document.paths[path]?.[method]?.responses[String(status)]
  if (!response) return undefined
  const resolved = response.$ref ? document.components.responses[response.$ref.split('/').at(-1)!]! : response
  return resolved.content!['application/json']?.schema ?? resolved.content!['text/plain']!.schema
}

/** `bytes`: refused for a limit in bytes, which JSON Schema cannot state (the description does). */
type Case = { path: string; method: 'get' | 'post'; status: number; body?: unknown; raw?: string; headers?: Record<string, string>; bytes?: true }

const big = JSON.stringify({ topic: 'news', data: 'x'.repeat(1024 * 1024) })
const cases: Case[] = [
  { path: '/api/publish', method: 'post', status: 200, body: { topic: 'news', data: { price: 1 } } },
  { path: '/api/publish', method: 'post', status: 400, body: { topic: '' } },
  { path: '/api/publish', method: 'post', status: 400, raw: '[1, 2]' },
  { path: '/api/publish', method: 'post', status: 400, raw: '{"topic": ' },
  { path: '/api/publish', method: 'post', status: 401, body: { topic: 'news' }, headers: { authorization: 'Bearer wrong-key-0123456789' } },
  { path: '/api/publish', method: 'get', status: 405 },
  { path: '/api/publish', method: 'post', status: 413, raw: big },
  { path: '/api/publish', method: 'post', status: 415, raw: '{"topic":"news"}', headers: { 'content-type': 'text/plain' } },
  { path: '/api/broadcast', method: 'post', status: 200, body: { event: 'maintenance', params: { in: 5 } } },
  { path: '/api/broadcast', method: 'post', status: 400, body: { params: 1 } },
  { path: '/api/broadcast', method: 'post', status: 401, body: { event: 'x' }, headers: { authorization: '' } },
  { path: '/api/broadcast', method: 'get', status: 405 },
  { path: '/api/broadcast', method: 'post', status: 413, raw: big },
  { path: '/api/broadcast', method: 'post', status: 415, raw: '{}', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  { path: '/api/notify', method: 'post', status: 200, body: { user: 'ann', event: 'dm', params: { text: 'hi' } } },
  { path: '/api/notify', method: 'post', status: 400, body: { event: 'dm' } },
  { path: '/api/notify', method: 'post', status: 401, body: { user: 'ann', event: 'dm' }, headers: { authorization: 'Basic abc' } },
  { path: '/api/notify', method: 'get', status: 405 },
  { path: '/api/notify', method: 'post', status: 413, raw: big },
  { path: '/api/notify', method: 'post', status: 415, raw: '{}', headers: { 'content-type': 'text/json' } },
  { path: '/api/disconnect', method: 'post', status: 200, body: { user: 'ann', code: 4000, reason: 'Come back later' } },
  { path: '/api/disconnect', method: 'post', status: 200, body: { user: 'nobody' } },
  { path: '/api/disconnect', method: 'post', status: 400, body: { user: 'ann', code: 1000 } },
  { path: '/api/disconnect', method: 'post', status: 400, body: { user: 'ann', reason: 'é'.repeat(62) }, bytes: true },
  { path: '/api/disconnect', method: 'post', status: 401, body: { user: 'ann' }, headers: { authorization: 'Bearer ' } },
  { path: '/api/disconnect', method: 'get', status: 405 },
  { path: '/api/disconnect', method: 'post', status: 413, raw: big },
  { path: '/api/disconnect', method: 'post', status: 415, raw: '{}', headers: { 'content-type': '' } },
  { path: '/api/stats', method: 'get', status: 200 },
  { path: '/api/stats', method: 'get', status: 401, headers: { authorization: 'Bearer nope-nope-nope-nope' } },
  { path: '/api/stats', method: 'post', status: 405, body: {} },
  { path: '/healthz', method: 'get', status: 200 },
  { path: '/readyz', method: 'get', status: 200 },
  { path: '/metrics', method: 'get', status: 200 },
]

describe('the server API matches gateway-openapi.json', () => {
  it('answers each case with a documented status and a body of the documented schema', async () => {
    const backend = await fakeBackend()
    const { http } = await gatewayFor(backend)
    for (const { path, method, status, body, raw, headers, bytes } of cases) {
      const response = await fetch(`${http}${path}`, {
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined && raw === undefined ? {} : { body: raw ?? JSON.stringify(body) }),
      })
      const where = `${method.toUpperCase()} ${path} (${raw?.slice(0, 20) ?? JSON.stringify(body)})`
      expect(response.status, where).toBe(status)
      const schema = documented(path, method === 'get' && status === 405 ? 'post' : method, status) ?? documented(path, 'get', status)
      expect(schema, `${where}: status ${status} is documented`).toBeDefined()
      if (path === '/metrics') {
        expect(await response.text()).toMatch(/^# HELP /)
        continue
      }
      expect(validate(schema, await response.json()), where).toEqual([])
      const operation = document.paths[path]![method]
      const requestSchema = operation?.requestBody?.content['application/json']?.schema
      if (requestSchema && body !== undefined && !headers && !bytes) {
        // What succeeded is valid by the document; a 400 is not.
        expect(validate(requestSchema, body).length === 0, `${where}: request validity`).toBe(status === 200)
      }
    }
  })

  it('documents every /api route the gateway serves, and no other', async () => {
    const backend = await fakeBackend()
    const { http } = await gatewayFor(backend)
    const routes = Object.keys(document.paths).filter((path) => path.startsWith('/api/'))
    expect(routes.sort()).toEqual(['/api/broadcast', '/api/disconnect', '/api/notify', '/api/publish', '/api/stats'])
    const headers = { authorization: `Bearer ${apiKey}` }
    // A documented route is never 404; one that is not documented is.
    for (const path of routes) expect((await fetch(`${http}${path}`, { method: 'PUT', headers })).status).toBe(405)
    for (const path of ['/api/subscribe', '/api/publish/x', '/api/', '/api/__proto__', '/api/constructor']) expect((await fetch(`${http}${path}`, { method: 'POST', headers })).status, path).toBe(404)
  })
})
