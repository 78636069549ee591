/**
 * A small checker for the config file: each getter takes a key of the object it wraps, checks the
 * value's type and range, and throws a {@link ConfigError} with the key's full path when it is wrong.
 * @module
 */

import { isRecord } from '../checks'

/** A config value that is wrong: `key` is its full path (`methods.chat.send.timeout`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly key: string,
    problem: string,
    value?: unknown,
  ) {
    super(`lifeline gateway config: ${key === 'config' ? '' : `${key}: `}${problem}${value === undefined ? '' : `, got ${describe(value)}`}`)
  }
}

function describe(value: unknown): string {
  if (typeof value == 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value == 'object') return 'an object'
  return String(value)
}

/** One object of the config, at `path`, with typed getters for its keys. */
export interface Checked {
  keys(): string[]
  /** The raw value (undefined when absent). */
  value(key: string): unknown
  object(key: string, allowed: readonly string[] | undefined): Checked
  string(key: string, pattern?: RegExp, expected?: string): string
  strings(key: string): string[]
  integer(key: string, min: number, max: number): number
  boolean(key: string): boolean
  oneOf<T extends string>(key: string, values: readonly T[]): T
  /** Throws when a key outside `allowed` is present (`why`: the condition, for the message). */
  only(allowed: readonly string[], why: string): void
}

/** The error for `found` at `key` where `expected` was wanted: "required" when it is absent. */
const wrong = (key: string, expected: string, found: unknown) =>
  found === undefined ? new ConfigError(key, `required, ${expected}`) : new ConfigError(key, expected, found)

/** Wrap `value` (which must be a plain object) found at `path`; `allowed`: the keys it may have. */
export function checkObject(value: unknown, path: string, allowed: readonly string[] | undefined): Checked {
  if (!isRecord(value)) throw wrong(path, 'expected an object', value)
  const at = (key: string) => (path === 'config' ? key : `${path}.${key}`)
  const only = (keys: readonly string[], why: string) => {
    const unknown = Object.keys(value).find((key) => !keys.includes(key))
    if (unknown !== undefined) throw new ConfigError(at(unknown), `unknown key${why ? ` ${why}` : ''}; expected one of ${keys.join(', ')}`)
  }
  if (allowed) only(allowed, '')
  const checked: Checked = {
    keys: () => Object.keys(value),
    value: (key) => (Object.hasOwn(value, key) ? value[key] : undefined),
    object: (key, keys) => checkObject(checked.value(key), at(key), keys),
    string(key, pattern, expected = 'a string') {
      const found = checked.value(key)
      if (typeof found != 'string' || !found || (pattern && !pattern.test(found))) throw wrong(at(key), `expected ${expected === 'a string' ? 'a non-empty string' : expected}`, found)
      return found
    },
    strings(key) {
      const found = checked.value(key)
      if (!Array.isArray(found) || !found.every((item) => typeof item == 'string' && item)) throw new ConfigError(at(key), 'expected an array of non-empty strings', found)
      return found as string[]
    },
    integer(key, min, max) {
      const found = checked.value(key)
      if (!Number.isInteger(found) || (found as number) < min || (found as number) > max) throw new ConfigError(at(key), `expected an integer from ${min} to ${max}`, found)
      return found as number
    },
    boolean(key) {
      const found = checked.value(key)
      if (typeof found != 'boolean') throw new ConfigError(at(key), 'expected true or false', found)
      return found
    },
    oneOf(key, values) {
      const found = checked.value(key)
      if (!values.includes(found as never)) throw wrong(at(key), `expected one of ${values.map((one) => JSON.stringify(one)).join(', ')}`, found)
      return found as (typeof values)[number]
    },
    only,
  }
  return checked
}

/** `read(object, key)` when the key is present, else `fallback`. */
export function optional<T>(object: Checked, key: string, fallback: T, read: (object: Checked, key: string) => T): T {
  return object.value(key) === undefined ? fallback : read(object, key)
}
