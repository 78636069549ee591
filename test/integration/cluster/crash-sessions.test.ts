// Sessions across a crash (issue 16): two real server processes on one real redis-server with a
// write-through session store; a raw session client streams tracked requests (each runs `step`,
// which logs its number to a file shared by the processes, sends a `stepped` event and answers),
// the process serving it is killed with SIGKILL mid-stream, and the client resumes on the other
// process; then the same with the real client and a URL provider. Without write-through the same
// crash loses the session (the contrast).
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { client } from '../server/client-helper'
import { cleanup } from '../server/helpers'
import { sessionClient, type SessionClient } from '../server/session-client'
import { buildServer, startNode, type NodeProcess } from './nodes'
import { useRedis, type RedisProcess } from './redis-server'
import { patient } from '../../helpers/wait'

let redis: RedisProcess
useRedis((started) => {
  redis = started
})
beforeAll(buildServer)

type Json = Record<string, unknown>
const STEPS = 1200
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index)
const isIncreasing = (numbers: number[]) => numbers.every((value, index) => index === 0 || value > numbers[index - 1]!)

/** Two crash-node.mjs processes sharing a step log and a key prefix. */
async function cluster(writeThrough: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-crash-'))
  const stepLog = join(dir, 'steps.log')
  const env = { WRITE_THROUGH: writeThrough ? '1' : '0', STEP_LOG: stepLog }
  const prefix = `crash:${randomUUID()}:`
  const nodes: NodeProcess[] = await Promise.all([startNode(redis.url, prefix, 'crash-node.mjs', env), startNode(redis.url, prefix, 'crash-node.mjs', env)])
  for (const node of nodes) cleanup(() => node.kill())
  // After the kills (cleanups run in the order they were added): a process still serving appends to the
  // step log, and a file written during the removal fails it with ENOTEMPTY (seen once in CI).
  cleanup(() => rmSync(dir, { recursive: true, force: true }))
  /** The steps run, in the order their effects happened: [pid, number]. */
  const steps = () => (existsSync(stepLog) ? readFileSync(stepLog, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ').map(Number) as [number, number]) : [])
  return { doomed: nodes[0]!, survivor: nodes[1]!, steps }
}

/** The tracked server frames the client got: responses (ids) and `stepped` events (numbers), in arrival order. */
function arrivals(client: SessionClient) {
  const messages = client.tracked.flatMap((frame) => (Array.isArray(frame) ? frame : [frame])) as Json[]
  const answered = messages.filter((message) => 'result' in message).map((message) => message.result as number)
  const stepped = messages.filter((message) => message.method === 'stepped').map((message) => (message.params as { n: number }).n)
  return { answered, stepped }
}

/** Send `step` 1..STEPS (string ids: the raw client tells control answers by numeric id), at most 40 ahead of the answers, acknowledging what arrived as it goes. */
async function stream(client: SessionClient) {
  for (let n = 1; n <= STEPS; n++) {
    await vi.waitFor(() => expect(n - arrivals(client).answered.length).toBeLessThanOrEqual(40), { ...patient, timeout: 25_000 })
    client.send({ jsonrpc: '2.0', id: `step-${n}`, method: 'step', params: { n } })
    if (n % 20 === 0 && client.socket?.readyState === 1) client.ack()
  }
}

describe('sessions across a SIGKILL', () => {
  it('with writeThrough, resume on another process: every step runs at most once and in order, only the crash window is cut, answers and events arrive exactly once', async () => {
    const { doomed, survivor, steps } = await cluster(true)
    const client = sessionClient(doomed.url)
    const first = await client.open()
    const streaming = stream(client)
    await vi.waitFor(() => expect(steps().length).toBeGreaterThanOrEqual(300), { ...patient, timeout: 25_000 })
    await doomed.kill()
    await client.closed()
    const answer = await client.open({ address: survivor.url })
    expect(answer).toMatchObject({ id: first.id, resumed: true })
    await streaming
    await vi.waitFor(() => {
      expect(arrivals(client).answered).toContain(STEPS)
      expect(arrivals(client).stepped).toContain(STEPS)
    }, { ...patient, timeout: 25_000 })

    const log = steps()
    const ran = log.map(([, n]) => n)
    const byDoomed = log.filter(([pid]) => pid === doomed.child.pid).map(([, n]) => n)
    const bySurvivor = log.filter(([pid]) => pid === survivor.child.pid).map(([, n]) => n)
    expect(byDoomed.length + bySurvivor.length).toBe(log.length)
    // At most once, in order: the doomed process ran a prefix, the survivor everything after the resumed count.
    expect(new Set(ran).size).toBe(ran.length)
    expect(isIncreasing(ran)).toBe(true)
    expect(byDoomed).toEqual(range(1, byDoomed.length))
    expect(byDoomed.length).toBeGreaterThanOrEqual(300)
    expect(bySurvivor).toEqual(range(answer.received + 1, STEPS))
    expect(bySurvivor.length).toBeGreaterThan(0)
    // A step counts when it starts: what the kill cut is only what was running then, and the resume says
    // which (`unknown`, positions = step numbers here: steps are this client's only tracked frames).
    const unknown = (answer as { unknown?: number[] }).unknown ?? []
    const missing = range(1, STEPS).filter((n) => !ran.includes(n))
    expect(missing.filter((n) => !unknown.includes(n))).toEqual([])
    expect(unknown.length).toBeLessThanOrEqual(32)
    expect(unknown.every((n) => n <= answer.received && !bySurvivor.includes(n))).toBe(true)

    const { answered, stepped } = arrivals(client)
    // Exactly once, both kinds: each server frame reached the client once (replayed from Redis if the kill
    // cut it). Events in the order they were sent; answers in any order (docs/server.md: requests are
    // answered in any order; frames whose counts came back from Redis in one read may finish out of turn).
    for (const numbers of [answered, stepped]) {
      expect(new Set(numbers).size).toBe(numbers.length)
      // Every step the survivor ran was answered; of the doomed process's, the ones written to Redis before the kill.
      expect(numbers.filter((n) => n > answer.received).sort((a, b) => a - b)).toEqual(bySurvivor)
      const fromDoomed = numbers.filter((n) => n <= answer.received)
      expect(fromDoomed.every((n) => byDoomed.includes(n))).toBe(true)
    }
    // An answer finishes its step in the same write: a step answered is never in doubt. (Its `stepped`
    // event, sent before the answer, may have reached the client from a step the kill then cut.)
    expect(answered.filter((n) => unknown.includes(n))).toEqual([])
    expect(isIncreasing(stepped)).toBe(true)
    // Every step the doomed process ran and did not leave in doubt was answered: nothing waits for a timeout.
    expect(byDoomed.filter((n) => !unknown.includes(n) && !answered.includes(n))).toEqual([])
    expect(doomed.log.join('') + survivor.log.join('')).toBe('')
  }, 90_000)

  it('the real client, with a URL provider that moves to the live process, resumes its session there: events exactly once, steps at most once and in order', async () => {
    const { doomed, survivor, steps } = await cluster(true)
    const alive = (node: NodeProcess) => node.child.exitCode === null && node.child.signalCode === null
    const c = client(() => (alive(doomed) ? doomed : survivor).url)
    const sessions: boolean[] = []
    c.on('session', ({ resumed }) => void sessions.push(resumed))
    const stepped: number[] = []
    c.listen('stepped', (payload) => void stepped.push((payload as { n: number }).n))
    await c.ready()
    const total = 600
    const streaming = (async () => {
      for (let n = 1; n <= total; n++) {
        await vi.waitFor(() => expect(n - stepped.length).toBeLessThanOrEqual(40), { ...patient, timeout: 25_000 })
        void c.notify('step', { n })
      }
    })()
    await vi.waitFor(() => expect(steps().length).toBeGreaterThanOrEqual(150), { ...patient, timeout: 25_000 })
    await doomed.kill()
    await streaming
    await vi.waitFor(() => expect(stepped).toContain(total), { ...patient, timeout: 25_000 })
    expect(sessions).toEqual([false, true])

    const log = steps()
    const ran = log.map(([, n]) => n)
    const byDoomed = log.filter(([pid]) => pid === doomed.child.pid).map(([, n]) => n)
    const bySurvivor = log.filter(([pid]) => pid === survivor.child.pid).map(([, n]) => n)
    // A prefix ran on the doomed process, a suffix on the survivor; between them only the steps the kill cut.
    expect(byDoomed).toEqual(range(1, byDoomed.length))
    expect(bySurvivor).toEqual(range(total - bySurvivor.length + 1, total))
    expect(new Set(ran).size).toBe(ran.length)
    expect(bySurvivor.length).toBeGreaterThan(0)
    // Events: once each, in order; all of the survivor's, and a prefix of the doomed process's.
    expect(new Set(stepped).size).toBe(stepped.length)
    expect(isIncreasing(stepped)).toBe(true)
    expect(stepped.filter((n) => n > byDoomed.length)).toEqual(bySurvivor)
    const fromDoomed = stepped.filter((n) => n <= byDoomed.length)
    expect(fromDoomed).toEqual(byDoomed.slice(0, fromDoomed.length))
  }, 90_000)

  it('without writeThrough, the same crash loses the session (resumed: false)', async () => {
    const { doomed, survivor, steps } = await cluster(false)
    const client = sessionClient(doomed.url)
    await client.open()
    for (let n = 1; n <= 20; n++) client.send({ jsonrpc: '2.0', id: `step-${n}`, method: 'step', params: { n } })
    await vi.waitFor(() => expect(steps().length).toBe(20), { ...patient, timeout: 25_000 })
    await doomed.kill()
    await client.closed()
    expect(await client.open({ address: survivor.url })).toMatchObject({ resumed: false })
  }, 60_000)
})
