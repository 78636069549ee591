// The one interface every engine adapter implements, and the page wrapper that
// turns an adapter's raw `run(expression)` into what scenarios use. Scenarios
// only ever see `Page`, so they never know which engine they drive.
import { until } from '../lib/util.mjs'

/**
 * @typedef {object} RawPage
 * @property {(expression: string) => Promise<unknown>} run evaluates an expression in the page, awaiting a promise
 * @property {() => Promise<void>} reload reloads and waits for `load`
 * @property {() => Promise<void>} close closes this page (a tab: the others of its group stay)
 * @property {(url: string) => Promise<RawPage>} openTab another tab (or window) of the same browser
 *   context, so the same origin shares storage, Web Locks and BroadcastChannel with this page
 *
 * @typedef {object} Engine
 * @property {string} version
 * @property {(url: string) => Promise<RawPage>} open navigates a fresh page and waits for `load`
 * @property {() => Promise<void>} close
 *
 * @typedef {() => Promise<Engine>} Launch
 *
 * @typedef {object} Page
 * @property {<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A) => Promise<R>} evaluate runs `fn` in the page (its source, not its closure)
 * @property {<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A, options?: { timeout?: number, what?: string }) => Promise<R>} waitFor polls until `fn` returns something truthy
 * @property {() => Promise<void>} reload
 * @property {() => Promise<void>} close closes the page like a user closing the tab (no beforeunload prompt)
 * @property {(url: string) => Promise<Page>} openTab a new tab in this page's browser context, closed with the scenario's pages
 * @property {((method: string, params?: object) => Promise<unknown>) | undefined} cdp Chromium only: a DevTools protocol command on this page
 */

/**
 * Wraps a raw page. Errors thrown in the page come back as one engine-neutral
 * message (each driver formats them differently), with the page's uncaught
 * errors attached. `adopt` wraps the tabs it opens (the runner passes one that
 * also records them, so they are closed after the scenario).
 * @param {RawPage} raw
 * @param {(raw: RawPage) => Page} [adopt]
 * @returns {Page}
 */
export function wrapPage(raw, adopt = (tab) => wrapPage(tab, adopt)) {
  const evaluate = async (fn, arg) => {
    const out = await raw.run(`(${settle})(${fn}, ${arg === undefined ? 'undefined' : JSON.stringify(arg)})`)
    if (!out?.ok) throw Object.assign(new Error(`in the page: ${out?.error}${await pageErrors(raw)}`), { inPage: true })
    return out.value
  }
  const waitFor = async (fn, arg, { timeout = 10_000, what = String(fn) } = {}) => {
    try {
      return await until(() => evaluate(fn, arg), timeout, what)
    } catch (err) {
      if (err.inPage) throw err
      throw new Error(err.message + await pageErrors(raw), { cause: err })
    }
  }
  return { evaluate, waitFor, reload: () => raw.reload(), close: () => raw.close(), openTab: async (url) => adopt(await raw.openTab(url)), cdp: raw.cdp }
}

/**
 * A RawPage in a fresh Playwright or Puppeteer browser context (their page
 * APIs agree on everything used here). Its `openTab` opens more pages in the
 * same context; closing the last page of a context drops the context and its
 * storage.
 * @returns {Promise<RawPage>}
 */
export function contextPage(context, url) {
  return groupPage({ context, open: 0 }, url)
}

async function groupPage(group, url) {
  const { context } = group
  const page = await context.newPage()
  group.open++
  let closing
  const close = () => (closing ??= (async () => {
    // Like a user closing the tab: the document goes (its locks and sockets with it), no beforeunload prompt.
    await page.close().catch(() => {})
    if (--group.open === 0) await context.close()
  })())
  await page.goto(url)
  // Chromium only (Playwright's CDP): a DevTools protocol session on this page, for scenarios that name `engines: ['chromium']`.
  let session
  const cdp = context.newCDPSession
    ? async (method, params) => {
      session ??= await context.newCDPSession(page)
      return session.send(method, params)
    }
    : undefined
  return {
    run: (expression) => page.evaluate(expression),
    reload: async () => { await page.reload() },
    close,
    openTab: (next) => groupPage(group, next),
    cdp,
  }
}

// Runs in the page (by its source): a result or an error, never a throw
// across the driver, so every engine reports errors the same way.
const settle = async (fn, arg) => {
  try {
    return { ok: true, value: await fn(arg) }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }
  }
}

// pages/harness.js collects these; a page without it reports nothing.
async function pageErrors(raw) {
  const errors = await raw.run('window.__errors || []').catch(() => [])
  return errors.length ? `\n    page errors: ${errors.join(' | ')}` : ''
}
