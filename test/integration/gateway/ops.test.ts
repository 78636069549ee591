// Running the gateway: health and readiness, Prometheus metrics, the API kept off the public port,
// structured logs, and a graceful close that lets a running call finish.
import { describe, expect, it, vi } from 'vitest'
import { client } from '../server/client-helper'
import { patient } from '../../helpers/wait'
import { freePort } from '../cluster/redis-server'
import { apiKey, fakeBackend, gatewayFor } from './harness'

const metricValue = (text: string, line: RegExp) => Number(text.split('\n').find((one) => line.test(one))?.split(' ').at(-1))

describe('operating the gateway', () => {
  it('answers /healthz and /readyz; on close, /readyz says 503 "closing" while a running call finishes', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/rpc/slow', () => ({ delay: 300, body: { result: 'finished' } }))
    const { http, api, gateway } = await gatewayFor(backend, { methods: { slow: {} }, apiPort: await freePort() })
    expect(await (await fetch(`${http}/healthz`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${http}/readyz`)
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }])

    const c = client(`ws://127.0.0.1:${gateway.port}/ws`)
    const answer = c.call('slow', {})
    await vi.waitFor(() => expect(backend.received.some((request) => request.path === '/lifeline/rpc/slow')).toBe(true), patient)
    const closing = gateway.close()
    const during = await fetch(`${api}/readyz`)
    expect([during.status, await during.json()]).toEqual([503, { status: 'closing' }])
    await expect(answer).resolves.toBe('finished')
    await closing
    await expect(fetch(`${api}/readyz`)).rejects.toThrow()
  })

  it('serves Prometheus metrics: connections, sessions, messages in and out, backend latency and errors by kind', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/rpc/fail', () => ({ status: 500, text: 'boom' }))
    const { http } = await gatewayFor(backend, { methods: { echo: {}, fail: {} } })
    const c = client(`${http.replace('http', 'ws')}/ws`)
    await c.call('echo', { a: 1 })
    await expect(c.call('fail', {})).rejects.toMatchObject({ code: -32010 })
    const response = await fetch(`${http}/metrics`)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await response.text()
    expect(metricValue(text, /^lifeline_connections /)).toBe(1)
    expect(metricValue(text, /^lifeline_sessions /)).toBe(1)
    expect(metricValue(text, /^lifeline_connections_accepted_total /)).toBe(1)
    expect(metricValue(text, /^lifeline_messages_in_total\{type="request"\}/)).toBeGreaterThanOrEqual(3)
    expect(metricValue(text, /^lifeline_messages_out_total\{type="response"\}/)).toBeGreaterThanOrEqual(2)
    expect(metricValue(text, /^lifeline_messages_out_total\{type="error"\}/)).toBe(1)
    expect(metricValue(text, /^lifeline_backend_request_duration_seconds_count\{route="rpc",method="echo",outcome="ok"\}/)).toBe(1)
    expect(metricValue(text, /^lifeline_backend_request_duration_seconds_count\{route="connect",method="",outcome="200"\}/)).toBe(1)
    expect(metricValue(text, /^lifeline_gateway_errors_total\{kind="backend_invalid"\}/)).toBe(1)
    expect(text).toMatch(/^process_resident_memory_bytes /m)
  })

  it('with apiPort, serves /api and /metrics there only, and health on both', async () => {
    const backend = await fakeBackend()
    const apiPort = await freePort()
    const { http, api } = await gatewayFor(backend, { apiPort })
    expect(api).toBe(`http://127.0.0.1:${apiPort}`)
    const headers = { authorization: `Bearer ${apiKey}` }
    expect((await fetch(`${http}/api/stats`, { headers })).status).toBe(404)
    expect((await fetch(`${http}/metrics`)).status).toBe(404)
    expect((await fetch(`${api}/api/stats`, { headers })).status).toBe(200)
    expect((await fetch(`${api}/metrics`)).status).toBe(200)
    expect((await fetch(`${api}/healthz`)).status).toBe(200)
  })

  it('logs one JSON object per line with time, level and message, at the configured level and above', async () => {
    const backend = await fakeBackend()
    backend.on('/lifeline/connect', () => ({ status: 401, body: { reason: 'nope' } }))
    const { lines, url } = await gatewayFor(backend)
    client(url)
    await vi.waitFor(() => expect(lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'connect refused', status: 401, reason: 'nope' })), patient)
    for (const line of lines) expect(line).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: expect.stringMatching(/^(debug|info|warn|error)$/), msg: expect.any(String) })
    expect(lines[0]).toMatchObject({ msg: 'gateway listening', methods: [] })
  })
})
