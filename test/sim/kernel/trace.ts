/**
 * What a run did, step by step: the last steps in a ring (printed when a
 * seed fails), every step with `full`, and a digest of all of them, so that
 * two runs of one seed can be compared byte for byte without keeping both.
 * @module
 */

/** One step as the trace keeps it. */
export interface Step {
  readonly index: number
  readonly at: number
  readonly owner: string
  readonly what: string
  readonly detail: string | undefined
}

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193
/** Details are cut to this many characters in a printed trace. */
const SHOWN = 400

/** @internal */
export class Trace {
  private readonly ring: (Step | undefined)[]
  private head = 0
  private hash = FNV_OFFSET
  count = 0
  /** Every step, in order, when the run keeps them all (`--trace`). */
  readonly all: Step[] | undefined

  constructor(size: number, options: { digest: boolean; full: boolean }) {
    this.ring = new Array<Step | undefined>(size)
    this.digesting = options.digest
    this.all = options.full ? [] : undefined
  }
  private readonly digesting: boolean

  record(at: number, owner: string, what: string, detail: string | undefined) {
    const step: Step = { index: this.count++, at, owner, what, detail }
    this.ring[this.head] = step
    this.head = (this.head + 1) % this.ring.length
    this.all?.push(step)
    if (this.digesting) this.mix(`${at}|${owner}|${what}|${detail ?? ''}\n`)
  }

  /** A note that is not a step (a finding, a fault being drawn): in the digest and the ring alike. */
  note(at: number, text: string) {
    this.record(at, 'note', text, undefined)
  }

  /** The FNV-1a digest of every step so far, as 8 hex digits. */
  get digest(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0')
  }

  /** The last steps, oldest first. */
  last(): Step[] {
    const steps: Step[] = []
    for (let offset = 0; offset < this.ring.length; offset++) {
      const step = this.ring[(this.head + offset) % this.ring.length]
      if (step) steps.push(step)
    }
    return steps
  }

  private mix(text: string) {
    let hash = this.hash
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index)
      hash = Math.imul(hash, FNV_PRIME)
    }
    this.hash = hash
  }
}

/** One line per step: `#index  t=ms  owner  what  detail`. */
export function formatSteps(steps: readonly Step[]): string {
  return steps
    .map((step) => {
      const detail = step.detail === undefined ? '' : `  ${step.detail.length > SHOWN ? `${step.detail.slice(0, SHOWN)}…` : step.detail}`
      return `#${String(step.index).padStart(6)}  t=${String(step.at).padStart(7)}  ${step.owner.padEnd(10)} ${step.what}${detail}`
    })
    .join('\n')
}
