/**
 * What a run found: the first violation of an invariant stops the run (its
 * trace shows the steps that led to it); the kind names the invariant, so
 * runs can be grouped and a known defect named.
 * @module
 */

/** One violated invariant. */
export interface Finding {
  /** Which invariant: `duplicate`, `order`, `lost`, `hung`, `leak`, … */
  readonly kind: string
  readonly text: string
  /** Virtual time and trace step when it was found. */
  readonly at: number
  readonly step: number
}

/** @internal */
export class Findings {
  readonly all: Finding[] = []
  constructor(private readonly where: () => { at: number; step: number }) {}

  fail(kind: string, text: string) {
    this.all.push({ kind, text, ...this.where() })
  }

  get first(): Finding | undefined {
    return this.all[0]
  }
}
