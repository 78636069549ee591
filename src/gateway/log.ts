/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then fields), on a stream
 * (stdout by default), below a level dropped. Errors are written as their name and message.
 * @module
 */
import type { Writable } from 'node:stream'
import { logLevels, type LogLevel } from './config'

/** The gateway's logger. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

const plain = (value: unknown): unknown => (value instanceof Error ? { name: value.name, message: value.message } : value)

/** A JSON-lines logger writing entries at `level` and above to `out`. */
export function createLogger(level: LogLevel, out: Pick<Writable, 'write'> = process.stdout): Logger {
  const lowest = logLevels.indexOf(level)
  const entry = (at: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (logLevels.indexOf(at) < lowest) return
    const line: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg }
    for (const [key, value] of Object.entries(fields)) line[key] = plain(value)
    out.write(`${JSON.stringify(line)}\n`)
  }
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') }
}
