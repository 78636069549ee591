// The Node example is documentation that runs: it must keep working against
// the built package (`lifeline-ws` and `lifeline-ws/server` resolve to dist/).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))

describe('examples/node', () => {
  it('shows a call, an event and a subscription, then exits 0', async () => {
    const { stdout } = await run(process.execPath, ['examples/node/index.mjs'], { cwd: root, timeout: 20_000 })
    expect(stdout).toContain('call add(2, 3) -> 5')
    expect(stdout).toContain("event greeting -> { text: 'hello, node' }")
    expect(stdout).toMatch(/topic prices -> \[\s*\{ price: 101, seq: 1 \},\s*\{ price: 102, seq: 2 \},\s*\{ price: 103, seq: 3 \}\s*\]/)
  })
})
