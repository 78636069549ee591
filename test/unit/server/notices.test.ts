// The default onError: the server's own notices (a refusal, an outage) on one line, without a stack;
// anything else with its stack; the prefix never twice.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { asNotice, logError, notice } from '../../../src/server/notices'

afterEach(() => vi.restoreAllMocks())

describe('logError, the default onError', () => {
  it('prints a notice as its message alone, one line, with the prefix once', () => {
    const print = vi.spyOn(console, 'error').mockImplementation(() => {})
    logError(notice('lifeline-ws/server: refused upgrade from origin https://evil.example; add it to allowedOrigins'))
    logError(asNotice(new SyntaxError('Unexpected token } in JSON')))
    expect(print.mock.calls).toEqual([
      ['lifeline-ws/server: refused upgrade from origin https://evil.example; add it to allowedOrigins'],
      ['lifeline-ws/server: Unexpected token } in JSON'],
    ])
  })

  it('prints a real error with its stack, and its own prefix alone when it has one', () => {
    const print = vi.spyOn(console, 'error').mockImplementation(() => {})
    const thrown = new Error('db password is hunter2')
    const ours = new TypeError('lifeline-ws/server: topic must be a non-empty string')
    logError(thrown)
    logError(ours)
    logError('a string thrown by a hook')
    expect(print.mock.calls).toEqual([['lifeline-ws/server:', thrown], [ours], ['lifeline-ws/server:', 'a string thrown by a hook']])
  })

  it('keeps what onError receives unchanged: an Error with its message and cause', () => {
    const cause = new TypeError('Invalid URL')
    const made = notice('lifeline-ws/server: refused upgrade from origin null: allowedOrigins failed (TypeError: Invalid URL)', cause)
    expect(made).toBeInstanceOf(Error)
    expect(made.name).toBe('Error')
    expect(made.cause).toBe(cause)
    expect(asNotice(undefined)).toBeUndefined()
  })
})
