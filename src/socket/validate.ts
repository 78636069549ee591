/**
 * Option validation for development builds: every option has a rule, keyed
 * by its typed name (a misspelt name does not compile), and an unknown name
 * throws a TypeError suggesting the nearest known one. Production builds
 * leave this module out: callers guard it with `process.env.NODE_ENV`,
 * which bundlers replace (docs/architecture.md, "Development checks"). The
 * number options' ranges are ranges.ts's, which every build checks.
 * @module
 */
import type { EnvironmentOptions, HeartbeatOptions, QueueOptions, ReconnectOptions, SocketOptions } from './options'
import { socketRanges, type Check } from './ranges'
import { nearest } from '../nearest'

/** Checks one value: returns what it must be when it is wrong (a RangeError), or throws a TypeError itself. */
export type Rule = (value: unknown, name: string) => string | undefined

/** One rule per option, required: adding an option without a rule, or a rule for no option, does not compile. */
export type Rules<T> = { [K in keyof Required<T>]: Rule }

/**
 * Checks every key of `input` against `rules`; `prefix` names the section in messages.
 * @example
 * validate('reconnect.', { initalDelay: 5 }, reconnectRules) // TypeError: ... did you mean reconnect.initialDelay?
 */
export function validate<T extends object>(prefix: string, input: T, rules: Rules<T>): void {
  const known = Object.keys(rules)
  for (const [key, value] of Object.entries(input)) {
    if (!known.includes(key)) {
      const guess = nearest(key, known)
      const hint = guess ? `did you mean ${prefix}${guess}?` : `known options: ${known.join(', ')}`
      throw new TypeError(`lifeline: unknown option ${prefix}${key}; ${hint}`)
    }
    if (value === undefined) continue
    const want = (rules as Record<string, Rule>)[key]!(value, prefix + key)
    if (want) throw new RangeError(`lifeline: ${prefix}${key} must be ${want}`)
  }
}

/** A number option: the range that every build checks (ranges.ts), found by the option's dotted name. */
export const ranged = (ranges: Record<string, Check> = socketRanges): Rule => (value, name) => ranges[name]!(value)

/** One of a few strings. */
export const oneOf = (...choices: string[]): Rule => (value) =>
  choices.includes(value as string) ? undefined : choices.map((choice) => `'${choice}'`).join(' or ')

/** A value of a given `typeof`, else a TypeError. */
export const kind = (type: 'function' | 'string' | 'boolean' | 'object'): Rule => (value, name) => {
  if (typeof value != type || value === null) throw new TypeError(`lifeline: ${name} must be a ${type}`)
  return undefined
}

/** Anything: the type system is the only check (environment stand-ins, storage adapters). */
export const anything: Rule = () => undefined

/** A section that may be `false` (turned off) or an object checked by its own rules; `check` relates its members ("maxDelay must be ..."). */
export const section = <T extends object>(rules: Rules<T>, check?: (input: T) => string | undefined): Rule => (value, name) => {
  if (value === false) return undefined
  if (typeof value != 'object' || value === null) throw new TypeError(`lifeline: ${name} must be an object or false`)
  validate(name + '.', value as T, rules)
  const problem = check?.(value as T)
  if (problem) throw new RangeError(`lifeline: ${name}.${problem}`)
  return undefined
}

/** Every option of `createSocket`; built on demand, so production builds leave all of this out. */
export const socketRules = (): Rules<SocketOptions> => ({
  WebSocket: kind('function'),
  protocols: anything,
  binaryType: oneOf('blob', 'arraybuffer'),
  lazy: kind('boolean'),
  connectTimeout: ranged(),
  reconnect: section<ReconnectOptions>(
    {
      initialDelay: ranged(),
      maxDelay: ranged(),
      factor: ranged(),
      jitter: ranged(),
      maxRetries: ranged(),
      resetAfter: ranged(),
      shouldReconnect: kind('function'),
      backoff: kind('function'),
    },
    ({ initialDelay = 1000, maxDelay }) => (maxDelay !== undefined && maxDelay < initialDelay ? `maxDelay must be >= initialDelay (${maxDelay} < ${initialDelay})` : undefined),
  ),
  heartbeat: section<HeartbeatOptions>({ interval: ranged(), timeout: ranged(), ping: kind('string'), pong: kind('string') }),
  queue: section<QueueOptions>({
    maxMessages: ranged(),
    maxBytes: ranged(),
    ttl: ranged(),
    overflow: oneOf('drop-oldest', 'drop-newest', 'error'),
    highWaterMark: ranged(),
    // A bare backend ({ load, add, remove }) is what queue.storage took before: say how to wrap it (docs/migrating.md).
    storage: (value, name) => {
      if (typeof (value as { open?: unknown } | null)?.open !== 'function') {
        throw new TypeError(`lifeline: ${name} must be localStorageOutbox(), indexedDbOutbox() or persistOutbox(yourBackend)`)
      }
      return undefined
    },
    onClose: oneOf('flush', 'discard'),
  }),
  logger: kind('object'),
  environment: section<EnvironmentOptions>({ window: anything, document: anything, navigator: anything, clock: kind('object'), random: kind('function') }),
})
