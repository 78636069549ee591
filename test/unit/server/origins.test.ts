// allowedOrigins is checked once at start and becomes a check that cannot throw:
// nothing a client puts in its Origin header, and no user function, may take the
// server down (a throw in the upgrade listener is an uncaught exception).
import type { IncomingMessage } from 'node:http'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { resolveAllowedOrigins } from '../../../src/server/transport/origins'

const request = (host = 'api.example.com') => ({ headers: { host } }) as unknown as IncomingMessage

describe('allowedOrigins at start', () => {
  it('refuses a bare string with a TypeError that shows the array to write', () => {
    expect(() => resolveAllowedOrigins('http://localhost:8081' as never)).toThrow(
      new TypeError(
        "lifeline-ws/server: allowedOrigins must be an array of origins (['https://app.example.com']), '*', or a function (origin, request) => boolean; got the string 'http://localhost:8081' (for one origin, write ['http://localhost:8081'])",
      ),
    )
  })

  it.each([[42], [{}], [null], [true]])('refuses %j with a TypeError naming the option', (value) => {
    expect(() => resolveAllowedOrigins(value as never)).toThrow(/^lifeline-ws\/server: allowedOrigins must be an array of origins/)
  })

  it('names the entry that is not a string or not an origin', () => {
    expect(() => resolveAllowedOrigins(['https://a.example', 7] as never)).toThrow(/allowedOrigins\[1\] must be a string/)
    expect(() => resolveAllowedOrigins(['localhost:8081/x y'])).toThrow(/allowedOrigins\[0\] 'localhost:8081\/x y' is not an origin/)
    expect(() => resolveAllowedOrigins(['https://app.example/chat'])).toThrow(
      "allowedOrigins[0] 'https://app.example/chat' is not an origin: a browser sends scheme://host[:port] only (did you mean 'https://app.example'?)",
    )
    expect(() => resolveAllowedOrigins(['https://user@app.example'])).toThrow(/did you mean 'https:\/\/app.example'/)
  })

  it('takes an origin with a trailing slash as the origin, and compares case-insensitively', () => {
    const allowed = resolveAllowedOrigins(['http://127.0.0.1:8097/', 'HTTPS://App.Example:443'])
    const failed = vi.fn()
    expect(allowed('http://127.0.0.1:8097', request(), failed)).toBe(true)
    expect(allowed('https://app.example', request(), failed)).toBe(true)
    expect(allowed('https://APP.example', request(), failed)).toBe(true)
    expect(allowed('http://127.0.0.1:8098', request(), failed)).toBe(false)
    expect(allowed('https://app.example.evil', request(), failed)).toBe(false)
    expect(failed).not.toHaveBeenCalled()
  })

  it("lets 'null' be listed on purpose, and refuses it otherwise", () => {
    expect(resolveAllowedOrigins(['null'])('null', request(), vi.fn())).toBe(true)
    expect(resolveAllowedOrigins(['https://app.example'])('null', request(), vi.fn())).toBe(false)
    expect(resolveAllowedOrigins(undefined)('null', request(), vi.fn())).toBe(false)
  })

  it('allows same-origin pages when nothing is listed', () => {
    const allowed = resolveAllowedOrigins(undefined)
    expect(allowed('https://api.example.com', request('api.example.com'), vi.fn())).toBe(true)
    expect(allowed('https://evil.example', request('api.example.com'), vi.fn())).toBe(false)
  })
})

describe('an allowedOrigins function', () => {
  it('that throws refuses the upgrade and hands its error over once', () => {
    // Realistic and wrong: `new URL('null')` throws for a sandboxed iframe, a file: page, curl.
    const allowed = resolveAllowedOrigins((origin) => new URL(origin).hostname.endsWith('.example.com'))
    const failed = vi.fn()
    expect(allowed('https://app.example.com', request(), failed)).toBe(true)
    expect(allowed('null', request(), failed)).toBe(false)
    expect(failed).toHaveBeenCalledTimes(1)
    expect(failed.mock.calls[0]![0]).toBeInstanceOf(TypeError)
  })

  it('that answers anything but a boolean refuses: an async function would otherwise let everyone in', () => {
    const allowed = resolveAllowedOrigins((async () => false) as never)
    const failed = vi.fn()
    expect(allowed('https://evil.example', request(), failed)).toBe(false)
    expect(String(failed.mock.calls[0]![0])).toBe(
      'TypeError: lifeline-ws/server: allowedOrigins returned a Promise; it must return true or false, synchronously',
    )
    expect(resolveAllowedOrigins((() => 1) as never)('https://evil.example', request(), vi.fn())).toBe(false)
  })
})

describe('any Origin header', () => {
  const configs = [
    undefined,
    '*' as const,
    ['https://app.example', 'null'],
    (origin: string) => new URL(origin).hostname.endsWith('.example.com'),
    () => {
      throw new Error('boom')
    },
  ]

  it('gets a boolean and never a throw, whatever the configuration', () => {
    const origins = fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('null', '', ' ', 'http://', 'https://[::1', '\u0000', 'a'.repeat(9000)))
    fc.assert(
      fc.property(origins, fc.constantFrom(...configs), fc.option(fc.string(), { nil: undefined }), (origin, config, host) => {
        const verdict = resolveAllowedOrigins(config)(origin, { headers: { host } } as unknown as IncomingMessage, () => {})
        expect(typeof verdict).toBe('boolean')
      }),
      { numRuns: 1000 },
    )
    // Generous: fast-check's thousand runs take a second on a quiet machine, much more on a loaded one.
  }, 60_000)
})
