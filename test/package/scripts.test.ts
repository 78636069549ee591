// `npm test` runs every test there is: each vitest project is named by a
// test:* script, and `npm test` (scripts/test.mjs) runs each test:* script as a stage. Written for merges:
// a new project (react, …) that no script names would otherwise be skipped
// by `npm test` without anyone noticing.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import config from '../../vitest.config'
import { stages } from '../../scripts/test-stages.mjs'

const root = join(import.meta.dirname, '../..')
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

/** Names of the projects in vitest.config.ts. */
const projects = (config.test?.projects ?? []).map((project) => {
  const name = typeof project === 'object' && project !== null && 'test' in project ? project.test?.name : undefined
  if (typeof name !== 'string') throw new Error('every project in vitest.config.ts needs a test.name')
  return name
})

/** Scripts `npm test` runs: each stage of scripts/test-stages.mjs, and the `npm run x` they run in turn. */
function reachedFromTest(): Set<string> {
  const reached = new Set<string>()
  const pending = stages.map((stage) => stage.script)
  while (pending.length > 0) {
    const name = pending.pop() ?? ''
    if (reached.has(name)) continue
    reached.add(name)
    for (const match of (scripts[name] ?? '').matchAll(/npm run ([\w:-]+)/g)) pending.push(match[1] ?? '')
  }
  return reached
}

describe('npm test', () => {
  const reached = reachedFromTest()

  it('runs every test:* script', () => {
    const missed = Object.keys(scripts).filter((name) => name.startsWith('test:') && !reached.has(name))
    // test:unit and test:integration are the coverage run's projects without coverage, for a quick run.
    expect(missed.filter((name) => !['test:unit', 'test:integration'].includes(name))).toEqual([])
  })

  it('runs every vitest project', () => {
    expect(projects.length).toBeGreaterThan(3)
    const named = new Set([...reached].flatMap((name) => [...(scripts[name] ?? '').matchAll(/--project[ =]([\w-]+)/g)].map((match) => match[1])))
    expect(projects.filter((project) => !named.has(project))).toEqual([])
  })
})

describe('scripts/test.mjs', () => {
  it('is what npm test runs, and every stage names a script that exists and needs only stages before it', () => {
    expect(scripts.test).toBe('node scripts/test.mjs')
    const names = stages.map((stage) => stage.name)
    expect(new Set(names).size).toBe(names.length)
    stages.forEach((stage, index) => {
      expect(scripts[stage.script], `${stage.name}: npm run ${stage.script}`).toBeDefined()
      for (const need of stage.after ?? []) expect(names.slice(0, index), `${stage.name} needs ${need}`).toContain(need)
    })
  })
})
