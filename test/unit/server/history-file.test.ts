// fileHistory: a topic history that a new process reads back from its file, so the numbering and
// the kept messages outlive the process (a crash included: each message is written before
// publish returns), with a file that stays bounded.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fileHistory } from '../../../src/server'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-file-history-'))
  dirs.push(dir)
  return join(dir, 'topics.jsonl')
}
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean)

describe('fileHistory', () => {
  it('gives a new store on the same file every topic number and kept message', () => {
    const file = scratch()
    const first = fileHistory(file)
    first.append('room', 1, { text: 'a' })
    first.append('room', 2, { text: 'b' })
    first.append('other', 1, 'x')
    // Nothing is closed or flushed: what a kill -9 after the last append leaves.
    const next = fileHistory(file)
    expect(next.latest('room')).toBe(2)
    expect(next.latest('other')).toBe(1)
    expect(next.since('room', 0)).toEqual({ messages: [{ seq: 1, data: { text: 'a' } }, { seq: 2, data: { text: 'b' } }], gap: false })
    expect(next.since('room', 1)).toEqual({ messages: [{ seq: 2, data: { text: 'b' } }], gap: false })
    expect(next.latest('none')).toBeNull()
  })

  it('names its numbering with an epoch that the file keeps, through a rewrite; a new file starts another', () => {
    const file = scratch()
    const first = fileHistory(file, { limit: 1 })
    expect(first.epoch).toMatch(/^\S{8,64}$/)
    for (let seq = 1; seq <= 3000; seq++) first.append('t', seq, seq)
    // Rewritten meanwhile (it holds far more lines than it keeps): the epoch is still its first line.
    expect(lines(file).length).toBeLessThan(3000)
    expect(JSON.parse(lines(file)[0]!)).toEqual({ e: first.epoch })
    expect(fileHistory(file).epoch).toBe(first.epoch)
    expect(fileHistory(scratch()).epoch).not.toBe(first.epoch)
  })

  it('keeps a topic number when no message is kept any more', () => {
    let now = 1000
    const file = scratch()
    const first = fileHistory(file, { maxAge: 100, now: () => now })
    first.append('t', 1, 'old')
    now += 500
    const next = fileHistory(file, { maxAge: 100, now: () => now })
    expect(next.latest('t')).toBe(1)
    expect(next.since('t', 0)).toEqual({ messages: [], gap: true })
    const none = fileHistory(scratch(), { limit: 0 })
    none.append('t', 7, 'x')
  })

  it('reads a message with the age it had, not the age of the restart', () => {
    let now = 1000
    const file = scratch()
    fileHistory(file, { maxAge: 100, now: () => now }).append('t', 1, 'a')
    now += 60
    const next = fileHistory(file, { maxAge: 100, now: () => now })
    expect(next.since('t', 0).messages).toHaveLength(1)
    now += 60
    expect(next.since('t', 0).messages).toHaveLength(0)
  })

  it('leaves out a last line cut short by a crash, and refuses a file broken elsewhere', () => {
    const file = scratch()
    fileHistory(file).append('t', 1, 'whole')
    appendFileSync(file, '{"t":"t","s":2,"d":"cut sh')
    const next = fileHistory(file)
    expect(next.latest('t')).toBe(1)
    next.append('t', 2, 'again')
    expect(fileHistory(file).since('t', 0).messages.map((m) => m.data)).toEqual(['whole', 'again'])

    const broken = scratch()
    writeFileSync(broken, 'not json\n{"t":"t","s":1,"d":1}\n')
    expect(() => fileHistory(broken)).toThrow(/line 1 of .* is not JSON/)
    writeFileSync(broken, '{"topic":"t"}\n{"t":"t","s":1,"d":1}\n')
    expect(() => fileHistory(broken)).toThrow(/line 1 of .* is not a history line/)
  })

  it('rewrites the file when it holds far more than is kept, without losing the numbering', () => {
    const file = scratch()
    const history = fileHistory(file, { limit: 2 })
    for (let seq = 1; seq <= 3000; seq++) history.append('t', seq, seq)
    history.append('quiet', 1, 'q')
    expect(lines(file).length).toBeLessThanOrEqual(2 * 3 + 1000 + 1)
    const next = fileHistory(file, { limit: 2 })
    expect(next.latest('t')).toBe(3000)
    expect(next.since('t', 2998)).toEqual({ messages: [{ seq: 2999, data: 2999 }, { seq: 3000, data: 3000 }], gap: false })
    expect(next.since('quiet', 0).messages).toEqual([{ seq: 1, data: 'q' }])
  })

  it('names a bad path', () => {
    expect(() => fileHistory('')).toThrow(TypeError)
    expect(() => fileHistory(join(scratch(), 'missing-dir', 'x.jsonl'))).toThrow(/ENOENT/)
  })
})
