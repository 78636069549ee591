/**
 * The origin check at the upgrade (against cross-site WebSocket hijacking):
 * `allowedOrigins` is checked and normalised once, at `createServer`, into a
 * function that cannot throw, whatever a client sends as its Origin header;
 * at each upgrade, a refused origin is reported once.
 * @module
 */
import type { Contract } from '../../protocol/contract'
import type { UpgradeRequest } from '../context'
import type { SharedServerOptions } from '../options'
import type { OriginCheck, ResolvedDoor } from '../resolved-options'
import { notice } from '../notices'
import { describe } from '../values'

/** Distinct refused origins remembered for reporting each once. */
const REPORTED_ORIGINS = 1000

const WHAT_IT_TAKES =
  "an array of origins (['https://app.example.com']), '*', or a function (origin, request) => boolean"

/**
 * An origin is a scheme, a host and a port, the way a browser sends it. A listed entry with a
 * trailing slash (`'http://localhost:8081/'`, easy to paste from an address bar) means the same
 * origin and is taken without it; an entry with a path, a query or credentials names no origin
 * and is refused. `'null'` (sandboxed iframes, `file:` pages) may be listed as it is.
 */
function normaliseListed(entry: unknown, index: number): string {
  if (typeof entry != 'string') {
    throw new TypeError(`lifeline-ws/server: allowedOrigins[${index}] must be a string like 'https://app.example.com', got ${describe(entry)}`)
  }
  if (entry === 'null') return entry
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    throw new TypeError(`lifeline-ws/server: allowedOrigins[${index}] '${entry}' is not an origin: write it as scheme://host[:port], like 'https://app.example.com'`)
  }
  const extra = url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== ''
  if (extra || url.origin === 'null') {
    throw new TypeError(
      `lifeline-ws/server: allowedOrigins[${index}] '${entry}' is not an origin: a browser sends scheme://host[:port] only (${url.origin === 'null' ? 'no such origin for this scheme' : `did you mean '${url.origin}'?`})`,
    )
  }
  return url.origin
}

/** What a browser sent, in the form listed entries take; anything unparsable stays as sent, lowercased. */
function normaliseSent(origin: string): string {
  try {
    const { origin: parsed } = new URL(origin)
    return parsed === 'null' ? origin.toLowerCase() : parsed
  } catch {
    return origin.toLowerCase()
  }
}

/** Same-origin: the page's origin names the host the request came to. */
function sameOrigin(origin: string, request: UpgradeRequest): boolean {
  const host = request.headers.host
  if (typeof host != 'string') return false
  try {
    return new URL(origin).host === host.toLowerCase()
  } catch {
    return false
  }
}

/**
 * Check `allowedOrigins` at start (a TypeError naming the option and what it takes) and turn it
 * into a check that never throws. A function decides alone (same-origin pages included); one
 * that throws, or answers anything but a boolean, refuses the upgrade and the error goes to
 * `failed` (the server reports it, once per origin).
 * @internal
 */
export function resolveAllowedOrigins(allowed: SharedServerOptions<unknown, Contract, UpgradeRequest>['allowedOrigins']): OriginCheck {
  if (allowed === undefined) return sameOrigin
  if (allowed === '*') return () => true
  if (typeof allowed == 'function') {
    const decide = allowed
    return (origin, request, failed) => {
      let verdict: unknown
      try {
        verdict = decide(origin, request)
      } catch (err) {
        failed(err)
        return false
      }
      if (typeof verdict == 'boolean') return verdict
      // An async function's promise is truthy: taking it as a yes would let every origin in.
      failed(new TypeError(`lifeline-ws/server: allowedOrigins returned ${describe(verdict)}; it must return true or false, synchronously`))
      return false
    }
  }
  if (!Array.isArray(allowed)) {
    const hint = typeof allowed == 'string' ? ` (for one origin, write ['${allowed}'])` : ''
    throw new TypeError(`lifeline-ws/server: allowedOrigins must be ${WHAT_IT_TAKES}; got ${describe(allowed)}${hint}`)
  }
  const listed = new Set((allowed as readonly unknown[]).map(normaliseListed))
  return (origin, request) => listed.has(normaliseSent(origin)) || sameOrigin(origin, request)
}

/**
 * The origin check of each upgrade: true when `request` must be refused (403). A refused origin is
 * reported once (a page that retries for ever is logged once); the memory of reported origins is
 * cleared when full, so a client inventing origins cannot grow it. Requests without an Origin come
 * from non-browser clients, which hold no victim's cookies: never refused here.
 * @internal
 */
export function createOriginGate(door: Pick<ResolvedDoor<unknown>, 'originAllowed' | 'originsByFunction'>, report: (err: unknown) => void): (request: UpgradeRequest) => boolean {
  const reported = new Set<string>()
  const reportOnce = (origin: string, err: Error) => {
    if (reported.has(origin)) return
    if (reported.size >= REPORTED_ORIGINS) reported.clear()
    reported.add(origin)
    report(err)
  }
  return (request) => {
    const sent = request.headers.origin
    if (sent === undefined) return false
    // Never a list from a browser: joined, it names no origin and is refused.
    const origin = Array.isArray(sent) ? sent.join(', ') : sent
    const failed = (err: unknown) =>
      reportOnce(origin, notice(`lifeline-ws/server: refused upgrade from origin ${origin}: allowedOrigins failed (${String(err)})`, err))
    if (door.originAllowed(origin, request, failed)) return false
    const fix = door.originsByFunction ? 'your allowedOrigins function refused it' : 'add it to allowedOrigins'
    reportOnce(origin, notice(`lifeline-ws/server: refused upgrade from origin ${origin}; ${fix}`))
    return true
  }
}
