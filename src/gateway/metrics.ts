/**
 * Prometheus metrics (prom-client, a registry of the gateway's own): connections and sessions read
 * from the server at each scrape, messages in and out counted by the wire format, backend latency
 * histograms, errors by kind, and Node's default process metrics.
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ServerStats } from '../server/index'

/** What makes an error: the `kind` label of `lifeline_gateway_errors_total`. */
export type ErrorKind =
  | 'backend_unreachable'
  | 'backend_timeout'
  | 'backend_invalid'
  | 'backend_error_answer'
  | 'connect_refused'
  | 'api_unauthorized'
  | 'api_invalid'
  | 'internal'

/** The gateway's metrics. */
export interface Metrics {
  readonly registry: Registry
  /** Time one backend request: call the returned function with its outcome when it ends. */
  backendTimer(route: 'connect' | 'rpc', method: string): (outcome: string) => void
  error(kind: ErrorKind): void
  messageIn(type: string, count?: number): void
  messageOut(type: string, count?: number): void
  apiRequest(route: string, status: number): void
}

/** Where the gauges read the server's state at each scrape. */
export interface MetricsSource {
  stats(): ServerStats
  clients(): number
}

/** Latency buckets, seconds: a loopback hop (under 1 ms) up to a slow backend (10 s). */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Metrics of one gateway process. */
export function createMetrics(source: MetricsSource): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  new Gauge({ name: 'lifeline_connections', help: 'WebSocket connections open now.', registers: [registry], collect() { this.set(source.stats().connections) } })
  new Gauge({
    name: 'lifeline_sessions',
    help: 'Clients this process holds: open connections, and sessions waiting for their client to resume.',
    registers: [registry],
    collect() {
      this.set(source.clients())
    },
  })
  // The server's own counters, mirrored at each scrape (they only grow).
  const mirrored: [keyof ServerStats, string, string][] = [
    ['accepted', 'lifeline_connections_accepted_total', 'Connections accepted since start.'],
    ['rejected', 'lifeline_connections_rejected_total', 'Upgrades refused: origin, authentication, limits, or shutting down.'],
    ['dropped', 'lifeline_connections_dropped_total', 'Clients cut off: missed heartbeats, too slow to read, rate limit.'],
    ['malformed', 'lifeline_frames_malformed_total', 'Inbound frames that could not be decoded.'],
  ]
  for (const [stat, name, help] of mirrored) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset()
        this.inc(source.stats()[stat])
      },
    })
  }
  const messagesIn = new Counter({ name: 'lifeline_messages_in_total', help: 'Messages decoded from clients, by type.', labelNames: ['type'], registers: [registry] })
  const messagesOut = new Counter({
    name: 'lifeline_messages_out_total',
    help: 'Messages encoded for clients, by type (a topic message is encoded once for all its subscribers).',
    labelNames: ['type'],
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'lifeline_backend_request_duration_seconds',
    help: 'Backend requests (connect and rpc), from sending to the parsed answer, by outcome.',
    labelNames: ['route', 'method', 'outcome'],
    buckets: BUCKETS,
    registers: [registry],
  })
  const errors = new Counter({ name: 'lifeline_gateway_errors_total', help: 'Errors, by kind.', labelNames: ['kind'], registers: [registry] })
  const api = new Counter({ name: 'lifeline_api_requests_total', help: 'Server API requests, by route and HTTP status.', labelNames: ['route', 'status'], registers: [registry] })
  return {
    registry,
    backendTimer(route, method) {
      const end = latency.startTimer({ route, method })
      return (outcome) => void end({ outcome })
    },
    error: (kind) => errors.inc({ kind }),
    messageIn: (type, count = 1) => messagesIn.inc({ type }, count),
    messageOut: (type, count = 1) => messagesOut.inc({ type }, count),
    apiRequest: (route, status) => api.inc({ route, status: String(status) }),
  }
}
