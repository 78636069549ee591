// Chromium through playwright-core (CDP). Each page gets its own browser
// context, so storage and sockets never leak between scenarios.
import { chromium } from 'playwright-core'
import { contextPage } from './engine.mjs'

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** @type {import('./engine.mjs').Launch} */
export async function launch() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args })
  return {
    version: `Chromium ${browser.version()}`,
    open: async (url) => contextPage(await browser.newContext(), url),
    close: () => browser.close(),
  }
}
