// Issue #25, item 3, against what users run: the built files in dist/ (run `npm run build` first).
// The CDN's lifeline.umd.min.js and an app's production bundle of the ESM build (esbuild with
// NODE_ENV=production, as Vite and size-limit build it) refuse the option values that make a
// reconnect storm or a hang, with a RangeError naming the option; name checks (did you mean) are
// in the development builds only. docs/troubleshooting.md, "What each build checks", says the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import vm from 'node:vm'
import { build } from 'esbuild'

const root = join(import.meta.dirname, '../..')
const dist = (file: string) => join(root, 'dist', file)
if (!existsSync(dist('lifeline.umd.min.js'))) throw new Error('test/package needs the built package: run `npm run build` first')

type CreateClient = (url: string, options: object) => { close(): void; call(method: string, params?: unknown, options?: object): Promise<unknown> }
interface Build {
  createClient: CreateClient
  createSocket: (url: string, options: object) => { close(): void }
}

/** A stand-in WebSocket: these tests never connect (lazy), they only create clients. */
class NoSocket {
  constructor() {
    throw new Error('no socket in this test')
  }
}

/** Runs a UMD file as a <script> tag would, in a fresh context; returns its Lifeline global. */
function loadUmd(file: string): Build {
  const context = vm.createContext({ URL, TextEncoder, setTimeout, clearTimeout, console })
  vm.runInContext(readFileSync(dist(file), 'utf8'), context, { filename: file })
  return (context as { Lifeline: Build }).Lifeline
}

const scratch = mkdtempSync(join(tmpdir(), 'lifeline-production-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The ESM entry as an app's production bundle: esbuild, NODE_ENV=production, minified. */
async function bundleEsm(entry: string): Promise<Build> {
  const outfile = join(scratch, `${entry}.mjs`)
  await build({
    stdin: { contents: `export * from ${JSON.stringify(dist(`${entry}.js`))}`, resolveDir: root },
    bundle: true, format: 'esm', platform: 'browser', minify: true, outfile, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  expect(readFileSync(outfile, 'utf8'), 'the production bundle has no did-you-mean code').not.toContain('did you mean')
  return (await import(pathToFileURL(outfile).href)) as Build
}

const builds: Record<string, Build> = {}
beforeAll(async () => {
  builds['lifeline.umd.min.js (CDN)'] = loadUmd('lifeline.umd.min.js')
  builds['lifeline-ws, app production bundle'] = await bundleEsm('lifeline')
  builds['lifeline-ws/share, app production bundle'] = await bundleEsm('share')
})

const base = { WebSocket: NoSocket, lazy: true }
const storms: Array<[string, object]> = [
  ['reconnect.maxDelay', { reconnect: { maxDelay: -1 } }],
  ['reconnect.initialDelay', { reconnect: { initialDelay: Number.NaN } }],
  ['reconnect.jitter', { reconnect: { jitter: 3 } }],
  ['reconnect.resetAfter', { reconnect: { resetAfter: -1 } }],
  ['connectTimeout', { connectTimeout: -1 }],
  ['heartbeat.interval', { heartbeat: { interval: Number.NaN } }],
  ['heartbeat.timeout', { heartbeat: { timeout: 0 } }],
  ['reconnect.maxRetries', { reconnect: { maxRetries: Number.NaN } }],
  ['callTimeout', { callTimeout: Number.NaN }],
]

/** The error `run` throws, by name and message (a vm context's RangeError is not this realm's). */
function thrown(run: () => unknown): { name: string; message: string } | undefined {
  try {
    run()
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message }
  }
  return undefined
}

describe('the production builds in dist/', () => {
  it.each(storms)('refuse a bad %s with a RangeError naming it', (name, options) => {
    for (const [label, lifeline] of Object.entries(builds)) {
      const error = thrown(() => lifeline.createClient('ws://127.0.0.1:9/', { ...base, ...options }).close())
      expect(error, label).toMatchObject({ name: 'RangeError', message: expect.stringContaining(`lifeline: ${name} must be`) })
    }
  })

  it('createSocket refuses them too (the CDN file)', () => {
    const error = thrown(() => builds['lifeline.umd.min.js (CDN)']!.createSocket('ws://127.0.0.1:9/', { ...base, reconnect: { maxDelay: -1 } }))
    expect(error).toMatchObject({ name: 'RangeError', message: 'lifeline: reconnect.maxDelay must be a number from 0 to 2147483647' })
  })

  it('reject a call whose own timeout is NaN', async () => {
    for (const [label, lifeline] of Object.entries(builds)) {
      const client = lifeline.createClient('ws://127.0.0.1:9/', base)
      const error = await client.call('slow', undefined, { timeout: Number.NaN }).then(() => undefined, (err: Error) => err)
      expect(error?.name, label).toBe('RangeError')
      client.close()
    }
  })

  it('leave name checks out: a misspelt option is ignored; the development UMD file names it', () => {
    for (const [label, lifeline] of Object.entries(builds)) {
      expect(thrown(() => lifeline.createClient('ws://127.0.0.1:9/', { ...base, heartBeat: {} }).close()), label).toBeUndefined()
    }
    const development = loadUmd('lifeline.umd.js')
    expect(thrown(() => development.createClient('ws://127.0.0.1:9/', { ...base, heartBeat: {} }))).toMatchObject({
      name: 'TypeError', message: 'lifeline: unknown option heartBeat; did you mean heartbeat?',
    })
  })
})

