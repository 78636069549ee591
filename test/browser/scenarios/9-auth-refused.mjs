// Auth failures in a real browser. A server refuses a token by accepting the
// upgrade and closing with 4401 (an HTTP 401 at the upgrade reaches a page as
// a bare 1006). The page must see the 4401, stop after that one attempt, and
// keep what its outbox had queued: reported by `drop`, still in localStorage,
// and delivered once by the next page that signs in. With the token-refresh
// recipe (docs/recipes.md) a fresh token from the URL provider gets in.
import { startLifeline } from '../lib/peers.mjs'
import { assertEqual, until } from '../lib/util.mjs'

const KEY = 'auth-scenario'

export default {
  title: 'auth refusal (4401): final, queued frames kept; refresh recovers',
  async run({ open, web, defer }) {
    const tokens = []
    const logged = []
    const peer = await startLifeline({
      allowedOrigins: [web.origin],
      authenticate: (req) => {
        const token = new URL(req.url, 'http://x').searchParams.get('token')
        tokens.push(token)
        return token === 'fresh' && { user: 'ada' }
      },
      methods: { log: (params) => void logged.push(params.n), whoami: (_params, ctx) => ctx.auth.user },
    })
    defer(peer.close)

    const refused = await open(web.url('/pages/umd.html'))
    const final = await refused.evaluate(async ({ url, key }) => {
      localStorage.clear()
      const { createClient, localStorageOutbox } = window.Lifeline
      const client = window.watch(createClient(`${url}?token=expired`, { lazy: true, queue: { storage: localStorageOutbox(key) } }))
      const dropped = []
      client.on('drop', ({ items, reason }) => dropped.push(`${reason}:${items.length}`))
      const closed = new Promise((resolve) => client.on('close', (info) => !info.willReconnect && resolve(info)))
      client.notify('log', { n: 1 })
      client.notify('log', { n: 2 })
      client.connect()
      const { code, why } = await closed
      const stored = Object.keys(localStorage).filter((k) => k.startsWith(`${key}:`)).length
      return { code, why, state: client.state, dropped, stored }
    }, { url: peer.url, key: KEY })
    assertEqual(final, { code: 4401, why: 'close 4401 not retryable', state: 'closed', dropped: ['closed:2'], stored: 2 }, 'the refused client')
    // `closed` is final: nothing is scheduled after it, so one attempt is all there will ever be.
    assertEqual(tokens, ['expired'], 'tokens the server saw')
    assertEqual(logged, [], 'frames run by the server for the refused socket')

    // Signed in again, after a reload (same storage): the kept frames go out once, in order.
    await refused.reload()
    const signedIn = refused
    const user = await signedIn.evaluate(async ({ url, key }) => {
      const { createClient, localStorageOutbox } = window.Lifeline
      const client = window.watch(createClient(`${url}?token=fresh`, { queue: { storage: localStorageOutbox(key) } }))
      return client.call('whoami')
    }, { url: peer.url, key: KEY })
    assertEqual(user, 'ada', 'whoami once signed in')
    await until(() => logged.length >= 2, 10_000, 'the kept frames')
    await signedIn.waitFor((key) => !Object.keys(localStorage).some((k) => k.startsWith(`${key}:`)), KEY, { what: 'the stored copies to go' })
    assertEqual(logged, [1, 2], 'frames run by the server')

    tokens.length = 0
    const recovering = await open(web.url('/pages/umd.html'))
    const again = await recovering.evaluate(async (url) => {
      const issued = ['expired', 'fresh']
      const { createClient, retryable } = window.Lifeline
      const client = window.watch(createClient(() => `${url}?token=${issued.shift() ?? 'fresh'}`, {
        reconnect: {
          initialDelay: 50,
          maxDelay: 200,
          shouldReconnect: (close, attempt) => (close.code === 4401 ? attempt < 3 : retryable(close)),
        },
      }))
      // Written to the refused socket first: only a call marked safe to resend survives that.
      return client.call('whoami', undefined, { resend: true })
    }, peer.url)
    assertEqual(again, 'ada', 'whoami after the refresh')
    assertEqual(tokens, ['expired', 'fresh'], 'tokens the server saw with the refresh recipe')
  },
}
