// A zombie socket: the path goes silent (a blackhole: TCP stays up, nothing
// gets through, no close ever arrives), as after a laptop sleeps or a NAT
// forgets the flow. The heartbeat must notice, a new socket must replace the
// dead one, and the call in flight must settle instead of hanging: with the
// demo server's session, with its real answer once the session resumes.
import { startDemo } from '../../../demo/server.mjs'
import { assert, assertEqual } from '../lib/util.mjs'

export default {
  title: 'blackholed socket: heartbeat replaces it, the call in flight gets its answer',
  async run({ open, web, defer }) {
    const demo = await startDemo({ port: 0 })
    defer(() => demo.close())
    const control = async (action) => {
      const res = await fetch(`${demo.url}/control/${action}`, { method: 'POST' })
      return res.json()
    }

    const page = await open(web.url('/pages/umd.html'))
    await page.evaluate(async (url) => {
      const client = window.watch(window.Lifeline.createClient(url, {
        heartbeat: { interval: 400, timeout: 400 },
        reconnect: { initialDelay: 50, maxDelay: 200 },
      }))
      client.on('close', (info) => window.events.push(`reason:${info.reason}`))
      await client.call('echo', { n: 1 })
    }, `${demo.url.replace('http', 'ws')}/ws`)

    const { blackholed } = await control('blackhole')
    assertEqual(blackholed, 1, 'connections blackholed')
    // Sent into the void: without the heartbeat this would wait out its 60 s timeout; without a session it would reject.
    await page.evaluate(() => {
      window.outcome = undefined
      window.client.call('echo', { n: 2 }, { timeout: 60_000 }).then(
        (result) => (window.outcome = `resolved:${JSON.stringify(result)}`),
        (err) => (window.outcome = `rejected:${err.name}`),
      )
    })
    const outcome = await page.waitFor(() => window.outcome, undefined, { timeout: 10_000, what: 'the call in flight to settle' })
    assertEqual(outcome, 'resolved:{"n":2}', 'the call written into the dead socket, answered after the session resumed')

    await page.waitFor(() => window.events.filter((e) => e === 'state:open').length >= 2 && window.client.state === 'open', undefined, { timeout: 10_000, what: 'a new socket' })
    const echoed = await page.evaluate(() => window.client.call('echo', { n: 3 }))
    assertEqual(echoed, { n: 3 }, 'a call on the new socket')
    const events = await page.evaluate(() => window.events)
    assert(events.includes('reason:heartbeat timeout'), `expected the close to say "heartbeat timeout": ${events.join(' ')}`)
    assert(events.indexOf('reason:heartbeat timeout') < events.lastIndexOf('state:open'), `the reconnect must follow the timeout: ${events.join(' ')}`)
  },
}
