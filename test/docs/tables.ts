// Reads the tables of a markdown text: each as its header cells and rows of cells.
export interface Table {
  /** 1-based line of the header row. */
  line: number
  header: string[]
  rows: { line: number; cells: string[] }[]
}

/** Splits a table row into trimmed cells; `\|` inside a cell is kept as `|`. */
function cellsOf(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '')
  return inner.split(/(?<!\\)\|/).map((cell) => cell.replace(/\\\|/g, '|').trim())
}

const separator = /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/

export function tablesOf(text: string): Table[] {
  const lines = text.split('\n')
  const tables: Table[] = []
  for (let index = 0; index + 1 < lines.length; index += 1) {
    const head = lines[index] ?? ''
    if (!head.trim().startsWith('|') || !separator.test((lines[index + 1] ?? '').trim())) continue
    const table: Table = { line: index + 1, header: cellsOf(head), rows: [] }
    let row = index + 2
    while (row < lines.length && (lines[row] ?? '').trim().startsWith('|')) {
      table.rows.push({ line: row + 1, cells: cellsOf(lines[row] ?? '') })
      row += 1
    }
    tables.push(table)
    index = row
  }
  return tables
}
