// The error tables of the docs match the built package: every error a table
// names is an exported class on the LifelineError base whose `name` is its
// own; every exported error class is in at least one table; and the
// server's table of error codes matches its exported constants. Reads
// dist/ (not src/) so the check holds however src/ is arranged.
import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { markdownFiles, root } from './blocks'
import { tablesOf, type Table } from './tables'

for (const built of ['dist/lifeline.js', 'dist/server.js']) {
  if (!existsSync(join(root, built))) throw new Error(`test/docs needs ${built}: run \`npm run build\` first`)
}
const client = (await import(pathToFileURL(join(root, 'dist/lifeline.js')).href)) as Record<string, unknown>
const server = (await import(pathToFileURL(join(root, 'dist/server.js')).href)) as Record<string, unknown>

const base = client.LifelineError
if (typeof base !== 'function') throw new Error('dist/lifeline.js does not export LifelineError')

/** Every table of README.md and docs/*.md whose first column is headed "error", with where it is. */
const errorTables = markdownFiles().flatMap((file) => tablesOf(readFileSync(join(root, file), 'utf8'))
  .filter((table) => table.header[0]?.toLowerCase() === 'error')
  .map((table) => ({ file, table })))

/** The error class named by a row's first cell (`RpcError`), or undefined for rows like "the signal's reason". */
const errorNameOf = (cells: string[]) => /^`(\w+Error)`$/.exec(cells[0] ?? '')?.[1]

/** Exported error classes of a module: functions whose prototype is on the LifelineError chain. */
const errorClassesOf = (module: Record<string, unknown>) => Object.entries(module)
  .filter(([, value]) => typeof value === 'function' && value !== base && value.prototype instanceof (base as new () => Error))
  .map(([name]) => name)

describe('error tables in the docs', () => {
  it('finds the tables (README.md or a guide has one)', () => {
    expect(errorTables.length).toBeGreaterThan(0)
  })

  for (const { file, table } of errorTables) {
    for (const row of table.rows) {
      const name = errorNameOf(row.cells)
      if (name === undefined) continue
      it(`${file}:${row.line} ${name} is an exported LifelineError`, () => {
        const value = client[name]
        expect(typeof value, `${name} is not exported by lifeline-ws`).toBe('function')
        const errorClass = value as new (...args: unknown[]) => Error
        expect(errorClass.prototype instanceof (base as new () => Error), `${name} does not extend LifelineError`).toBe(true)
        // The literal name every instance carries (what the realm-safe guards compare). Built with no
        // arguments; a constructor that insists on some is checked through its prototype chain alone.
        let instance: Error | undefined
        try {
          instance = new errorClass()
        } catch {
          instance = undefined
        }
        if (instance !== undefined) expect(instance.name).toBe(name)
      })
    }
  }

  it('lists every exported error class in at least one table', () => {
    const documented = new Set(errorTables.flatMap(({ table }) => table.rows.map((row) => errorNameOf(row.cells))))
    const missing = errorClassesOf(client).filter((name) => !documented.has(name))
    expect(missing, `error classes no docs table lists: ${missing.join(', ')}`).toEqual([])
  })
})

describe("the server's table of error codes (docs/server.md)", () => {
  const text = readFileSync(join(root, 'docs/server.md'), 'utf8')
  const table: Table | undefined = tablesOf(text).find((each) => each.header[0] === 'Code' && each.header[1] === 'Message')

  it('is there', () => {
    expect(table).toBeDefined()
  })

  for (const row of table?.rows ?? []) {
    const [code = '', message = ''] = row.cells
    if (!/^-?\d+$/.test(code)) continue
    // "Method not found" -> MethodNotFound, the exported constant.
    const constant = message.split(/\s+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')
    it(`docs/server.md:${row.line} ${code} ${message} is lifeline-ws/server's ${constant}`, () => {
      expect(server[constant], `lifeline-ws/server exports no ${constant}`).toBe(Number(code))
    })
  }

  it('lists every exported error-code constant', () => {
    const constants = (text.match(/The constants are exported: ([^.]+)\./)?.[1] ?? '').match(/`(\w+)`/g)?.map((name) => name.slice(1, -1)) ?? []
    expect(constants.length).toBeGreaterThan(0)
    const codes = new Set(table?.rows.map((row) => Number(row.cells[0])))
    for (const name of constants) expect(codes.has(server[name] as number), `${name} (${String(server[name])}) is not in the table`).toBe(true)
  })
})
