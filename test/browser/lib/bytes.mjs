// What both MessagePack scenarios check once a page's client speaks MessagePack (`window.client`,
// from the ESM build with an import map or from the two CDN files): the subprotocol agreed, a call
// with bytes both ways, and a topic message with bytes.
import { assertEqual, until } from './util.mjs'

/** The page's client against `peer` (a server that records each connection's context in `contexts`). */
export async function checkBytesBothWays(page, peer, contexts) {
  const answer = await page.evaluate(async () => {
    const result = await window.client.call('reverse', { bytes: new Uint8Array([1, 2, 3, 250]) })
    return { isBytes: result.bytes instanceof Uint8Array, bytes: Array.from(result.bytes), arrived: result.arrived }
  })
  assertEqual(answer, { isBytes: true, bytes: [250, 3, 2, 1], arrived: 'Uint8Array' }, 'a call with bytes both ways')
  assertEqual(contexts.map((ctx) => ctx.request.headers['sec-websocket-protocol']), ['lifeline.msgpack'], 'the subprotocol the client offered')

  await page.evaluate(() => {
    window.trail = []
    window.client.subscribe('cursors', (data) => window.trail.push({ x: data.x, isBytes: data.trail instanceof Uint8Array, trail: Array.from(data.trail) }))
  })
  await until(() => contexts[0].topics.has('cursors'), 10_000, 'the subscription at the server')
  await peer.server.publish('cursors', { x: 7, trail: new Uint8Array([9, 8, 0]) })
  await page.waitFor(() => window.trail.length === 1, undefined, { what: 'the topic message at the page' })
  assertEqual(await page.evaluate(() => window.trail), [{ x: 7, isBytes: true, trail: [9, 8, 0] }], 'a topic message with bytes')
}

/** The server method both scenarios call: the bytes reversed, and what type they arrived as. */
export const reverse = ({ bytes }) => ({ bytes: Uint8Array.from(bytes).reverse(), arrived: bytes.constructor.name })
