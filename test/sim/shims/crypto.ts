/**
 * `node:crypto` for the simulation's build: `randomUUID` draws from the
 * run's seeded stream, so session ids and call prefixes are the same on every
 * replay of a seed (the trace shows them). Everything else is the real module.
 * @module
 */
export * from 'node:crypto'

let next: () => number = () => {
  throw new Error('sim: randomUUID called outside a run')
}

/** The run's stream; set by the kernel at the start of each run. */
export function seedUuids(random: () => number) {
  next = random
}

const hex = (digits: number) => {
  let text = ''
  for (let index = 0; index < digits; index++) text += Math.floor(next() * 16).toString(16)
  return text
}

export function randomUUID(): string {
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`
}
