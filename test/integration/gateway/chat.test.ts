// lifeline-ws gateway end to end: the Python backend of examples/gateway-python (standard library
// only), one gateway process (the CLI), and the real lifeline client. Connect with a cookie, a
// refused user, calls proxied with errors and timeouts, notifications, and publishes and user
// notifications from Python reaching the right clients.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { isRpcError, type CloseInfo } from '../../../src/index'
import { client } from '../server/client-helper'
import { patient } from '../../helpers/wait'
import { api, buildCli, freePort, startBackend, startGateway, withCookie, type Backend, type GatewayProcess } from './processes'


const methods = {
  'chat.send': {},
  'chat.history': { idempotent: true },
  'chat.typing': {},
  'dm.send': {},
  slow: { timeout: 300, retries: 0 },
  kick: {},
}

let backend: Backend
let gateway: GatewayProcess
beforeAll(async () => {
  await buildCli()
  const apiPort = await freePort()
  backend = await startBackend(`http://127.0.0.1:${apiPort}`)
  gateway = await startGateway({ port: 0, apiPort, backend: { url: backend.url }, methods })
}, 60_000)
afterAll(async () => {
  await gateway?.kill('SIGTERM')
  await backend?.kill()
})

const user = (session: string | undefined) => client(gateway.url, { WebSocket: withCookie(session && `theme=dark; session=${session}`) })
const closed = (c: ReturnType<typeof client>) => new Promise<CloseInfo>((resolve) => c.on('close', (info) => resolve(info)))

describe('lifeline-ws gateway with a Python backend', () => {
  it('connects a user by their cookie; the backend sees it and the user is told its calls’ answers', async () => {
    const alice = user('s-alice')
    await alice.ready()
    const history = await alice.call('chat.history', { room: 'lobby' })
    expect(history).toEqual([])
    const log = await backend.log()
    expect(log).toContainEqual({ route: 'connect', user: 'alice', url: '/ws' })
    expect(log).toContainEqual(expect.objectContaining({ route: 'rpc', method: 'chat.history', user: 'alice', params: { room: 'lobby' }, notification: false }))
  })

  it('refuses a user the backend does not know with 4401 and one it bans with 4403, with the backend’s reasons, and does not retry', async () => {
    const stranger = user(undefined)
    const mallory = user('s-mallory')
    const [refused, banned] = await Promise.all([closed(stranger), closed(mallory)])
    expect(refused).toMatchObject({ code: 4401, reason: 'Log in first' })
    expect(banned).toMatchObject({ code: 4403, reason: 'mallory is banned' })
    await vi.waitFor(() => expect([stranger.state, mallory.state]).toEqual(['closed', 'closed']), patient)
    await expect(stranger.ready()).rejects.toThrow()
  })

  it('passes the backend’s error through as the call’s RpcError, and turns a backend too slow into -32011', async () => {
    const alice = user('s-alice')
    const empty = await alice.call('chat.send', { room: 'lobby', text: '  ' }).catch((err: unknown) => err)
    expect(isRpcError(empty)).toBe(true)
    expect(empty).toMatchObject({ code: 4220, message: 'Empty message', data: { field: 'text' } })
    const late = await alice.call('slow', { seconds: 2 }).catch((err: unknown) => err)
    expect(late).toMatchObject({ code: -32011, message: 'Backend timeout' })
  })

  it('answers a method outside the allowlist with -32601 without asking the backend', async () => {
    const alice = user('s-alice')
    await expect(alice.call('admin.drop', {})).rejects.toMatchObject({ code: -32601, message: 'Method not found: admin.drop' })
    await expect(alice.call('chat.history', { room: 'after' })).resolves.toEqual([])
    const asked = (await backend.log()).filter((entry) => entry.route === 'rpc').map((entry) => entry.method)
    expect(asked).not.toContain('admin.drop')
    expect(asked).toContain('chat.history')
  })

  it('delivers what Python publishes to the room’s subscribers only, and what it notifies to the one user', async () => {
    const alice = user('s-alice')
    const bob = user('s-bob')
    const seen = { alice: [] as unknown[], bob: [] as unknown[], bobDms: [] as unknown[], aliceDms: [] as unknown[] }
    alice.subscribe('room:tea', (message) => void seen.alice.push(message))
    bob.subscribe('room:coffee', (message) => void seen.bob.push(message))
    bob.listen('dm', (dm) => void seen.bobDms.push(dm))
    alice.listen('dm', (dm) => void seen.aliceDms.push(dm))
    await Promise.all([alice.ready(), bob.ready()])
    await vi.waitFor(async () => expect((await api(gateway, 'stats')).body.cluster).toMatchObject({ topics: { 'room:tea': 1, 'room:coffee': 1 } }), patient)

    const sent = await alice.call('chat.send', { room: 'tea', text: 'hello' })
    expect(sent).toMatchObject({ id: 1, seq: 1 })
    await vi.waitFor(() => expect(seen.alice).toEqual([{ id: 1, from: 'alice', text: 'hello' }]), patient)
    expect(await alice.call('dm.send', { to: 'bob', text: 'psst' })).toEqual({ processes: 1 })
    await vi.waitFor(() => expect(seen.bobDms).toEqual([{ from: 'alice', text: 'psst' }]), patient)
    expect(seen.bob).toEqual([])
    expect(seen.aliceDms).toEqual([])
  })

  it('runs a notification once on the backend, which notifies other users through the gateway', async () => {
    const alice = user('s-alice')
    const bob = user('s-bob')
    const typing: unknown[] = []
    bob.listen('typing', (who) => void typing.push(who))
    await Promise.all([alice.ready(), bob.ready()])
    void alice.notify('chat.typing', { to: ['bob'] })
    await vi.waitFor(() => expect(typing).toEqual([{ user: 'alice' }]), patient)
    const runs = (await backend.log()).filter((entry) => entry.method === 'chat.typing')
    expect(runs).toEqual([expect.objectContaining({ user: 'alice', notification: true, params: { to: ['bob'] } })])
  })

  it('closes every connection of a user the backend disconnects, with 4403 and its reason', async () => {
    const alice = user('s-alice')
    const bob = user('s-bob')
    const bobClosed = closed(bob)
    await Promise.all([alice.ready(), bob.ready()])
    expect(await alice.call('kick', { user: 'bob', reason: 'Too loud' })).toEqual({ processes: 1 })
    expect(await bobClosed).toMatchObject({ code: 4403, reason: 'Too loud' })
    expect(alice.state).toBe('open')
  })

  it('refuses the API without the key, and answers the stats with it', async () => {
    expect((await api(gateway, 'stats', undefined, 'wrong-key-0123456789')).status).toBe(401)
    const stats = await api(gateway, 'stats')
    expect(stats.status).toBe(200)
    expect(stats.body.process).toMatchObject({ connections: expect.any(Number), accepted: expect.any(Number) })
  })

  it('runs examples/gateway-python/chat.mjs (on the built package) against it', async () => {
    const root = join(import.meta.dirname, '../../..')
    const { stdout } = await promisify(execFile)(process.execPath, ['examples/gateway-python/chat.mjs'], { cwd: root, env: { ...process.env, GATEWAY_URL: gateway.url }, timeout: 20_000 })
    expect(stdout).toMatch(/bob saw in the lobby \{ id: \d+, from: 'alice', text: 'hello, bob' \}/)
    expect(stdout).toContain("bob got a dm { from: 'alice', text: 'psst' }")
    expect(stdout).toContain("the backend refused: 4220 Empty message { field: 'text' }")
  })

  // Last: it ends the gateway. Sessions of the tests above still wait for their clients.
  it('exits 0 on SIGTERM, with sessions waiting, telling its open clients 1012', async () => {
    const alice = user('s-alice')
    await alice.ready()
    const reconnecting = new Promise<CloseInfo>((resolve) => alice.on('close', (info) => resolve(info)))
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)))
    gateway.child.kill('SIGTERM')
    expect(await reconnecting).toMatchObject({ code: 1012 })
    expect(await exited).toBe(0)
    expect(gateway.output.join('')).toContain('"msg":"gateway closed"')
  })
})
