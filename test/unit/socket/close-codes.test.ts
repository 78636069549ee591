import { describe, expect, it } from 'vitest'
import { finalCodes, retryable } from '../../../src/socket/close-codes'

const close = (code: number) => ({ code, reason: '', wasClean: true })

describe('close-code table', () => {
  it('lists the protocol and policy errors', () => {
    expect([...finalCodes].sort()).toEqual([1002, 1003, 1007, 1008, 1009, 1010, 1015])
  })

  it.each([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 3000, 4000, 4399, 4500, 4999])('%i retries', (code) => {
    expect(retryable(close(code))).toBe(true)
  })

  it.each([1002, 1003, 1007, 1008, 1009, 1010, 1015, 4400, 4401, 4403, 4499])('%i does not retry', (code) => {
    expect(retryable(close(code))).toBe(false)
  })
})

describe('retryable as exported from lifeline', () => {
  it('is the table the link uses, usable inside shouldReconnect', async () => {
    const { retryable: exported } = await import('../../../src/index')
    expect(exported).toBe(retryable)
    const policy = (c: { code: number; reason: string; wasClean: boolean }, n: number) => (c.code === 4401 ? n < 3 : exported(c))
    expect(policy({ code: 4401, reason: '', wasClean: true }, 2)).toBe(true)
    expect(policy({ code: 4401, reason: '', wasClean: true }, 3)).toBe(false)
    expect(policy({ code: 1008, reason: '', wasClean: true }, 0)).toBe(false)
    expect(policy({ code: 1006, reason: '', wasClean: false }, 0)).toBe(true)
  })
})
