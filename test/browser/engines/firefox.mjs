// Firefox ESR through puppeteer-core over WebDriver BiDi. Each page gets its
// own user context (BiDi's isolated profile slice), like Chromium's contexts.
import puppeteer from 'puppeteer-core'
import { contextPage } from './engine.mjs'

/** @type {import('./engine.mjs').Launch} */
export async function launch() {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr', headless: true })
  return {
    version: await browser.version(),
    open: async (url) => contextPage(await browser.createBrowserContext(), url),
    close: () => browser.close(),
  }
}
