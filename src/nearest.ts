/**
 * "Did you mean": the known name nearest to a misspelt one. No dependencies,
 * so the server's option checks use it without importing the client's.
 * @module
 */

/** Edit distance between two names. */
const distance = (from: string, to: string): number => {
  let previous = Array.from({ length: to.length + 1 }, (_, index) => index)
  for (let row = 1; row <= from.length; row++) {
    const current = [row]
    for (let column = 1; column <= to.length; column++) {
      const substitution = previous[column - 1]! + (from[row - 1] === to[column - 1] ? 0 : 1)
      current.push(Math.min(previous[column]! + 1, current[column - 1]! + 1, substitution))
    }
    previous = current
  }
  return previous[to.length]!
}

/**
 * The known name closest to `name`, if it is close enough to be a typo (a different case counts as
 * the same name). @internal
 * @example
 * nearest('allowOrigins', ['allowedOrigins', 'authenticate']) // 'allowedOrigins'
 */
export const nearest = (name: string, known: readonly string[]): string | undefined => {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const score = candidate.toLowerCase() === name.toLowerCase() ? 0 : distance(name, candidate)
    if (score < bestDistance) {
      best = candidate
      bestDistance = score
    }
  }
  return bestDistance <= Math.max(2, name.length / 3) ? best : undefined
}
