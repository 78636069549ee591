#!/usr/bin/env node
// `npm test`: every stage of scripts/test-stages.mjs, concurrently as far as their needs allow and
// at most --jobs at a time (default: cores + 2, since the browser and chaos stages mostly wait),
// with each output line prefixed by its stage, then a table of times. Exits 1 if any stage failed
// (a stage whose needs failed is skipped and counts as failed).
//
//   npm test                         every stage
//   npm test -- --jobs 2             at most two at a time
//   npm test -- --only build,lint    some stages (their needs are not added: run build first yourself)
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { stages } from './test-stages.mjs'

const { values: flags } = parseArgs({ options: { jobs: { type: 'string' }, only: { type: 'string' } } })
const jobs = Number(flags.jobs ?? process.env.TEST_JOBS ?? availableParallelism() + 2)
if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`--jobs must be a whole number >= 1, got ${flags.jobs}`)
const only = flags.only?.split(',')
const unknown = only?.filter((name) => !stages.some((stage) => stage.name === name)) ?? []
if (unknown.length) throw new RangeError(`unknown stage ${unknown.join(', ')}; stages: ${stages.map((stage) => stage.name).join(', ')}`)
const chosen = stages.filter((stage) => !only || only.includes(stage.name))
const width = Math.max(...chosen.map((stage) => stage.name.length))
const started = Date.now()

/** name -> { status: 'running' | 'passed' | 'failed' | 'skipped', start, end } */
const results = new Map()
let running = 0

/** Writes a child's output line by line, each line prefixed with its stage. */
function prefixed(name, stream, out) {
  let partial = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) out.write(`${name.padEnd(width)} │ ${line}\n`)
  })
  stream.on('end', () => {
    if (partial) out.write(`${name.padEnd(width)} │ ${partial}\n`)
  })
}

function run(stage) {
  running++
  results.set(stage.name, { status: 'running', start: Date.now() })
  // Colours only for a terminal; a log file (CI) gets plain text.
  const colour = process.stdout.isTTY ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' }
  const child = spawn('npm', ['run', '--silent', stage.script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...colour } })
  prefixed(stage.name, child.stdout, process.stdout)
  prefixed(stage.name, child.stderr, process.stderr)
  child.on('close', (code, signal) => {
    running--
    const result = results.get(stage.name)
    result.end = Date.now()
    result.status = code === 0 ? 'passed' : 'failed'
    if (code !== 0) process.stderr.write(`${stage.name.padEnd(width)} │ exited ${code ?? signal}\n`)
    schedule()
  })
}

/** Starts what can start; when nothing runs and nothing can start, prints the table and exits. */
function schedule() {
  for (const stage of chosen) {
    if (results.has(stage.name) || running >= jobs) continue
    const needs = (stage.after ?? []).filter((name) => chosen.some((other) => other.name === name))
    const states = needs.map((name) => results.get(name)?.status)
    if (states.some((state) => state === 'failed' || state === 'skipped')) {
      results.set(stage.name, { status: 'skipped', start: Date.now(), end: Date.now() })
      continue
    }
    if (states.every((state) => state === 'passed')) run(stage)
  }
  if (running === 0 && chosen.every((stage) => results.has(stage.name) && results.get(stage.name).status !== 'running')) finish()
}

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`

function finish() {
  const total = Date.now() - started
  const rows = chosen.map((stage) => {
    const { status, start, end } = results.get(stage.name)
    return `| ${stage.name} | ${status} | ${seconds(start - started)} | ${seconds(end - start)} |`
  })
  console.log(['', `npm test: ${chosen.length} stages, ${jobs} at a time, ${seconds(total)} in all`, '',
    '| stage | result | started at | took |', '| --- | --- | --- | --- |', ...rows].join('\n'))
  const failed = chosen.filter((stage) => results.get(stage.name).status !== 'passed')
  if (failed.length) console.error(`\nfailed: ${failed.map((stage) => stage.name).join(', ')}`)
  process.exit(failed.length ? 1 : 0)
}

schedule()
