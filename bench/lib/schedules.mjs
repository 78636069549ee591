// Reconnect schedules of 10,000 simulated clients after every connection
// drops at t = 0 and the server is back at `downMs`. A failed attempt is
// taken to fail at once (connection refused), so each client's attempts land
// at the running sum of its delays; it reconnects at its first attempt at or
// after `downMs`. Pure: `random` is injected.
import { build } from 'esbuild'
import { root } from './env.mjs'
import { percentile } from './stats.mjs'

/**
 * lifeline's own backoff and reconnect defaults, compiled from src/ so the
 * simulation follows the code even before a build.
 */
export async function loadLifelineBackoff() {
  const out = await build({
    stdin: { contents: `export { backoff } from './src/socket/backoff.ts'\nexport { resolveOptions } from './src/socket/options.ts'`, resolveDir: root, loader: 'ts' },
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
  })
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`)
  return { backoff: mod.backoff, defaults: mod.resolveOptions({ WebSocket: function WS() {} }).reconnect }
}

/** Attempt times of one client, given its delay before attempt k (k from 0), until one lands at or after downMs. */
function attemptsOf(delay, downMs, limit = 1000) {
  const times = []
  let t = 0
  for (let k = 0; k < limit; k++) {
    t += delay(k)
    times.push(t)
    if (t >= downMs) break
  }
  return times
}

/**
 * The schedules compared, each `(random) => (k) => delay`; a schedule gets
 * a fresh `random`-driven closure per client.
 */
export function schedules({ backoff, defaults }) {
  return {
    [`lifeline (full jitter: ${defaults.initialDelay} ms ×${defaults.factor}, cap ${defaults.maxDelay})`]: (random) => (k) => backoff(k, defaults, random),
    // reconnecting-websocket draws minReconnectionDelay once per page load (1000 + random·4000),
    // then grows it by 1.3 per retry up to 10 s, with no further jitter.
    'reconnecting-websocket (1–5 s once, ×1.3, cap 10 s)': (random) => {
      const min = 1000 + random() * 4000
      return (k) => Math.min(10000, min * 1.3 ** k)
    },
    'sockette (fixed 1 s)': () => () => 1000,
  }
}

/** Simulates `clients` clients for every schedule: reconnect times, attempt counts and summary figures. */
export function simulate(all, { clients = 10_000, downMs, random = Math.random, bucketMs = 100 }) {
  return Object.entries(all).map(([label, make]) => {
    const reconnects = new Array(clients)
    const failed = []
    for (let c = 0; c < clients; c++) {
      const times = attemptsOf(make(random), downMs)
      reconnects[c] = times[times.length - 1]
      for (let i = 0; i < times.length - 1; i++) failed.push(times[i])
    }
    const buckets = Math.ceil(Math.max(...reconnects) / bucketMs) + 1
    const counts = new Array(buckets).fill(0)
    for (const t of reconnects) counts[Math.floor(t / bucketMs)]++
    return {
      label, reconnects, counts,
      peak: Math.max(...counts),
      p50: percentile(reconnects, 50), p99: percentile(reconnects, 99), max: Math.max(...reconnects),
      failedAttempts: failed.length,
    }
  })
}
