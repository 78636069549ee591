// Loaded first by every test page. Records what scenarios need to see from
// outside: uncaught errors (shown when a scenario fails) and a client's
// lifecycle, which scenarios poll instead of sleeping.
window.__errors = []
window.addEventListener('error', (e) => window.__errors.push(String(e.message)))
window.addEventListener('unhandledrejection', (e) => window.__errors.push(`unhandled rejection: ${e.reason}`))

/** Keeps `client` as `window.client` and logs its lifecycle into `window.events`. */
window.watch = (client) => {
  window.client = client
  window.events = []
  client.on('state', (state) => window.events.push(`state:${state}`))
  client.on('close', (info) => window.events.push(`close:${info.code}`))
  client.on('error', (err) => window.events.push(`error:${err && err.name}`))
  return client
}
