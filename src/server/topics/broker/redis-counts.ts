/**
 * Cluster-wide counts on Redis: each process writes its own counts under a
 * key with a ttl every `interval`, and lists itself in a sorted set scored
 * by when its report expires; `total()` sums the reports that have not
 * expired. A process that died stops counting within three intervals.
 * @module
 */
import type { Redis } from 'ioredis'
import type { ClusterCounts, ProcessCounts } from './broker'

/** @internal */
export interface Counts {
  /** Every live process's counts, summed (this process's fresh). */
  total(): Promise<ClusterCounts>
  /** Stop reporting and remove this process's report. */
  stop(): Promise<void>
}

/** @internal */
export function startCounts(
  connection: Redis,
  options: { prefix: string; node: string; interval: number; counts(): ProcessCounts; report(err: unknown): void },
): Counts {
  const nodes = `${options.prefix}nodes`
  const own = `${options.prefix}node:${options.node}`
  const ttl = options.interval * 3

  const write = async () => {
    const expires = Date.now() + ttl
    await connection.multi().set(own, JSON.stringify(options.counts()), 'PX', ttl).zadd(nodes, expires, options.node).exec()
  }
  let failing = false
  const timer = setInterval(() => {
    write().then(
      () => {
        failing = false
      },
      (err: unknown) => {
        // Once per outage: the connection's own report says why.
        if (!failing) options.report(new Error(`lifeline-ws/server: reporting this process's counts to Redis failed (${err instanceof Error ? err.message : String(err)})`, { cause: err }))
        failing = true
      },
    )
  }, options.interval)
  timer.unref()
  write().catch(() => {
    // The next tick tries again.
  })

  return {
    async total() {
      await write()
      await connection.zremrangebyscore(nodes, '-inf', Date.now())
      const ids = await connection.zrange(nodes, 0, -1)
      const reports = ids.length ? await connection.mget(ids.map((id) => `${options.prefix}node:${id}`)) : []
      const total: ClusterCounts = { processes: 0, connections: 0, clients: 0, topics: {} }
      for (const report of reports) {
        if (report === null) continue
        const counts = JSON.parse(report) as ProcessCounts
        total.processes++
        total.connections += counts.connections
        total.clients += counts.clients
        for (const [topic, subscribers] of Object.entries(counts.topics)) total.topics[topic] = (total.topics[topic] ?? 0) + subscribers
      }
      return total
    },
    async stop() {
      clearInterval(timer)
      try {
        await connection.multi().del(own).zrem(nodes, options.node).exec()
      } catch {
        // Redis is away: the report expires by itself.
      }
    },
  }
}
