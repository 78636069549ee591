// WebKitGTK's MiniBrowser through WebKitWebDriver and selenium-webdriver.
// MiniBrowser has no headless mode under automation, so this starts its own
// Xvfb (which picks a free display and tells us which) and a driver on a free
// port. One session serves every page: MiniBrowser starts slowly, and
// scenarios open one page at a time, so `open` navigates the same window.
import { spawn } from 'node:child_process'
import { Builder, Capabilities } from 'selenium-webdriver'
import { freePort, until } from '../lib/util.mjs'

const MINIBROWSER = process.env.WEBKIT_BIN ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

/** @type {import('./engine.mjs').Launch} */
export async function launch() {
  const children = []
  const stop = () => { for (const child of children) child.kill() }
  try {
    const display = await startXvfb(children)
    const port = await freePort()
    const env = { ...process.env, DISPLAY: display, NO_AT_BRIDGE: '1' }
    children.push(spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { env, stdio: 'ignore' }))
    const server = `http://127.0.0.1:${port}`
    await until(() => fetch(`${server}/status`).then((r) => r.ok, () => false), 15_000, 'WebKitWebDriver to listen')
    const driver = await new Builder().usingServer(server).withCapabilities(new Capabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    })).build()
    const caps = await driver.getCapabilities()
    return {
      version: `WebKitGTK ${caps.get('browserVersion') ?? ''}`.trim(),
      async open(url) {
        await driver.get(url)
        return {
          run: (expression) => driver.executeScript(`return ${expression}`),
          reload: () => driver.navigate().refresh(),
          // Leaving the page unloads it, which closes its sockets like closing a tab.
          close: () => driver.get('about:blank'),
        }
      },
      close: async () => {
        await driver.quit().catch(() => {})
        stop()
      },
    }
  } catch (err) {
    stop()
    throw err
  }
}

// -displayfd makes Xvfb choose an unused display number and write it to fd 3,
// so parallel runs never fight over :99.
function startXvfb(children) {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] })
  children.push(xvfb)
  return new Promise((resolve, reject) => {
    let out = ''
    xvfb.stdio[3].on('data', (chunk) => {
      out += chunk
      if (out.includes('\n')) resolve(`:${out.trim()}`)
    })
    xvfb.once('error', reject)
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)))
  })
}
