/**
 * Where binary data sits in a value: JSON has no bytes, and `JSON.stringify`
 * would turn a `Uint8Array` into `{"0":1,"1":2}` and an `ArrayBuffer` or a
 * `Blob` into `{}` without a word. The JSON dialect refuses such a value with
 * this path in its message. A plain walk over objects and arrays (a replacer
 * would cost a call per value of every frame); written small, since every
 * client on JSON carries it.
 * @module
 */

/**
 * The path below `value` of its first binary value and what it is (`.trail.0: Uint8Array`), or undefined
 * when there is none. Deeper than 64 levels it stops looking: JSON.stringify reports a cycle itself.
 * @internal
 */
export function findBinary(value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 64) return undefined
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof Blob != 'undefined' && value instanceof Blob)) {
    return `: ${value.constructor.name}`
  }
  // for…in walks an array's indexes too.
  for (const key in value) {
    const inner = findBinary((value as Record<string, unknown>)[key], depth + 1)
    if (inner) return `.${key}${inner}`
  }
  return undefined
}
