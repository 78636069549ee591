// Local fan-out over a broker whose history answers when the test says so: live messages that
// come while a subscribe's history is read are held, then sent after the replay, each once.
import { describe, expect, it } from 'vitest'
import { jsonRpc, jsonRpcCodes as codes } from '../../../src/protocol/json-rpc'
import type { Broker, BrokerHistory } from '../../../src/server/topics/broker/broker'
import { createTopics, type Subscriber } from '../../../src/server/topics/topics'

function slowBroker() {
  const reads: ((history: BrokerHistory) => void)[] = []
  const broker: Broker = {
    start() {},
    publish: () => 0,
    history: () => new Promise<BrokerHistory>((resolve) => void reads.push(resolve)),
    broadcast() {},
    cluster: () => ({ processes: 1, connections: 0, clients: 0, topics: {} }),
    stop() {},
  }
  return { broker, reads }
}

const subscriber = () => {
  const frames: { seq: number; data: unknown }[] = []
  const topics = new Set<string>()
  const sub: Subscriber = {
    topics,
    protocol: jsonRpc(),
    subscribed: (topic) => void topics.add(topic),
    unsubscribed: (topic) => void topics.delete(topic),
    write: (frame) => void frames.push((JSON.parse(String(frame)) as { params: { seq: number; data: unknown } }).params),
  }
  return { sub, frames }
}

describe('topics over a broker', () => {
  it('holds live messages while the history is read, then sends each message once, in order', async () => {
    const { broker, reads } = slowBroker()
    const topics = createTopics(broker, [jsonRpc()], codes, () => {})
    const { sub, frames } = subscriber()
    const preparing = topics.prepare(sub, 't', 2)
    // Published while the history is on its way: 4 is also in the history, 5 and 6 are not.
    topics.deliver('t', 4, 'd')
    topics.deliver('t', 5, 'e')
    expect(frames).toEqual([])
    reads[0]!({ seq: 4, messages: [{ seq: 3, data: 'c' }, { seq: 4, data: 'd' }], gap: false })
    const { result, replay } = (await preparing).commit()
    expect(result).toEqual({ seq: 4, gap: false })
    expect(replay.map((frame) => (JSON.parse(String(frame)) as { params: { seq: number } }).params.seq)).toEqual([3, 4, 5])
    expect(sub.topics.has('t')).toBe(true)
    topics.deliver('t', 5, 'e')
    topics.deliver('t', 6, 'f')
    expect(frames).toEqual([{ topic: 't', seq: 6, data: 'f' }])
    expect(topics.counts()).toEqual({ t: 1 })
  })

  it('after a gap replays what is still kept, then what came after the latest number', async () => {
    const { broker, reads } = slowBroker()
    const topics = createTopics(broker, [jsonRpc()], codes, () => {})
    const { sub } = subscriber()
    const preparing = topics.prepare(sub, 't', 1)
    topics.deliver('t', 9, 'late')
    reads[0]!({ seq: 8, messages: [{ seq: 7, data: 'kept' }, { seq: 8, data: 'kept' }], gap: true })
    const { result, replay } = (await preparing).commit()
    expect(result).toEqual({ seq: 8, gap: true })
    expect(replay.map((frame) => (JSON.parse(String(frame)) as { params: { seq: number } }).params.seq)).toEqual([7, 8, 9])
  })

  it('forgets a cancelled subscribe, and one whose history could not be read', async () => {
    const { broker, reads } = slowBroker()
    const topics = createTopics(broker, [jsonRpc()], codes, () => {})
    const { sub, frames } = subscriber()
    const preparing = topics.prepare(sub, 't', undefined)
    expect(topics.listening('t')).toBe(true)
    reads[0]!({ seq: null, messages: [], gap: false })
    ;(await preparing).cancel()
    expect(topics.listening('t')).toBe(false)
    topics.deliver('t', 1, 'x')
    expect(frames).toEqual([])

    const failing = createTopics({ ...broker, history: () => Promise.reject(new Error('connection lost')) }, [jsonRpc()], codes, () => {})
    await expect(failing.prepare(sub, 'u', 0)).rejects.toMatchObject({ code: -32000, data: { topic: 'u', reason: 'connection lost' } })
    expect(failing.listening('u')).toBe(false)
  })
})
