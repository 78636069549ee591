// WebKitGTK's MiniBrowser through WebKitWebDriver and selenium-webdriver.
// MiniBrowser has no headless mode under automation, so this starts its own
// Xvfb (which picks a free display and tells us which) and a driver on a free
// port. One session serves every page: MiniBrowser starts slowly, so `open`
// navigates the session's first window, and `openTab` opens more windows in
// the same session (one profile: same-origin windows share storage, Web Locks
// and BroadcastChannel).
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
    const main = await driver.getWindowHandle()
    // WebDriver talks to one window at a time (the "current" one), so every
    // command for a page first switches to that page's window; `exclusive`
    // keeps each switch and its command together when tabs are driven at once.
    let queue = Promise.resolve()
    const exclusive = (fn) => {
      const turn = queue.then(fn)
      queue = turn.catch(() => {})
      return turn
    }
    let current = main
    const focus = async (handle) => {
      if (current !== handle) await driver.switchTo().window(handle)
      current = handle
    }
    const pageIn = (handle) => {
      let closed = false
      return {
        run: (expression) => exclusive(async () => {
          if (closed) throw new Error('this tab is closed')
          await focus(handle)
          return driver.executeScript(`return ${expression}`)
        }),
        reload: () => exclusive(async () => {
          await focus(handle)
          await driver.navigate().refresh()
        }),
        close: () => exclusive(async () => {
          if (closed) return
          closed = true
          await focus(handle)
          // The first window stays (closing the session's last window would end the session):
          // leaving its page unloads it, which releases its locks and closes its sockets like
          // closing a tab. Other windows really close.
          if (handle === main) return driver.get('about:blank')
          await driver.close()
          current = undefined
          await focus(main)
        }),
        openTab: (url) => exclusive(async () => {
          // A window rather than a tab: each page stays visible, as separate windows on a desktop.
          await driver.switchTo().newWindow('window')
          current = await driver.getWindowHandle()
          const tab = current
          await driver.get(url)
          return pageIn(tab)
        }),
      }
    }
    return {
      version: `WebKitGTK ${caps.get('browserVersion') ?? ''}`.trim(),
      open: (url) => exclusive(async () => {
        await focus(main)
        await driver.get(url)
        return pageIn(main)
      }),
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
