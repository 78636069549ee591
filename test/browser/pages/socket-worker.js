/* global importScripts, self */
// A dedicated worker that owns a lifeline client, so the page's main thread never handles a frame:
// the recipe of docs/workers.md. No `window` and no `localStorage` here: the outbox persists to
// IndexedDB. The page sends requests `{ id, op, args }` and gets `{ id, result }` or `{ id, error }`;
// topic messages come as `{ topic, messages }`, batched: at most one post per 16 ms, since each post
// costs the page a task and a structured clone, which per message would cost it more than parsing did.
importScripts('/dist/lifeline.umd.min.js')

let client
const pending = new Map()
let flushTimer

/** Queues a topic message for the page; one post carries everything that arrived within 16 ms. */
function forward(topic, data) {
  const list = pending.get(topic) ?? []
  list.push(data)
  pending.set(topic, list)
  flushTimer ??= setTimeout(() => {
    flushTimer = undefined
    for (const [name, messages] of pending) self.postMessage({ topic: name, messages })
    pending.clear()
  }, 16)
}

const ops = {
  environment: () => ({ window: typeof window, document: typeof document, localStorage: typeof localStorage, indexedDB: typeof indexedDB }),
  connect(url, outbox) {
    client = self.Lifeline.createClient(url, {
      reconnect: { initialDelay: 50, maxDelay: 200 },
      queue: { storage: self.Lifeline.indexedDbOutbox(outbox) },
      // A worker's global scope gets the browser's online and offline events.
      environment: { window: self },
    })
    client.on('state', (state) => self.postMessage({ state }))
    return client.state
  },
  ready: () => client.ready(),
  call: (method, params) => client.call(method, params),
  notify: (method, params) => void client.notify(method, params),
  subscribe: (topic) => client.subscribe(topic, (data) => forward(topic, data)).ready,
  state: () => client.state,
  close: () => void client.close(),
}

self.onmessage = async ({ data: { id, op, args = [] } }) => {
  try {
    self.postMessage({ id, result: await ops[op](...args) })
  } catch (err) {
    self.postMessage({ id, error: { name: err?.name, message: String(err?.message ?? err) } })
  }
}
