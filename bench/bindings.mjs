// Front-end bindings: what an app ships for live data in React, Vue or Svelte, bundled the way
// size.mjs bundles (esbuild, minify, browser, ESM, production defines), the framework itself left
// out (the app has it anyway). lifeline's rows are createClient plus the binding's hooks an app
// uses; the others are the hooks or stores users pick instead, each with the socket it brings.
// They do less (no RPC, no topics that survive reconnects, no heartbeat): the ratio is bytes for a
// job that differs, which the section in docs/benchmarks.md spells out.
import { build } from 'esbuild'
import { join } from 'node:path'
import { benchDir, root, versionOf } from './lib/env.mjs'
import { formatBytes, ratio, table } from './lib/stats.mjs'
import { measure } from './size.mjs'

const frameworks = ['react', 'react-dom', 'vue', 'svelte', 'svelte/store', 'svelte/internal', 'svelte/internal/client']

/** lifeline-ws and its entries from dist/ (the built package, as an app resolves it). */
const lifelineFromDist = {
  name: 'lifeline-from-dist',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^lifeline-ws(\/.*)?$/ }, ({ path }) => {
      const entry = path === 'lifeline-ws' ? 'lifeline' : path.slice('lifeline-ws/'.length)
      return { path: join(root, 'dist', `${entry}.js`) }
    })
  },
}

async function bundle(contents) {
  const out = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    nodePaths: [join(benchDir, 'node_modules')],
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020',
    write: false, legalComments: 'none', logLevel: 'silent', external: frameworks,
    plugins: [lifelineFromDist],
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return out.outputFiles[0].text
}

const client = `export { createClient } from 'lifeline-ws'\n`

/** [framework, row name, package for the version column, entry source]; each framework's first row is lifeline's. */
const entries = [
  ['React', 'lifeline: createClient + provider, useTopic, useCall, useEvent, useConnectionState', 'lifeline-ws',
    `${client}export { LifelineProvider, useTopic, useCall, useEvent, useConnectionState } from 'lifeline-ws/react'`],
  ['React', 'lifeline: createClient + provider, useTopic, useConnectionState', 'lifeline-ws',
    `${client}export { LifelineProvider, useTopic, useConnectionState } from 'lifeline-ws/react'`],
  ['React', 'react-use-websocket: useWebSocket', 'react-use-websocket', `export { default } from 'react-use-websocket'`],
  ['React', 'partysocket/react: usePartySocket', 'partysocket', `export { default } from 'partysocket/react'`],
  ['Vue', 'lifeline: createClient + createLifeline, useTopic, useCall, useEvent, useConnectionState', 'lifeline-ws',
    `${client}export { createLifeline, useTopic, useCall, useEvent, useConnectionState } from 'lifeline-ws/vue'`],
  ['Vue', '@vueuse/core: useWebSocket', '@vueuse/core', `export { useWebSocket } from '@vueuse/core'`],
  ['Svelte', 'lifeline: createClient + setLifeline, topic, call, event, connectionState', 'lifeline-ws',
    `${client}export { setLifeline, topic, call, event, connectionState } from 'lifeline-ws/svelte'`],
  ['Svelte', 'svelte-websocket-store: websocketStore', 'svelte-websocket-store', `export { websocketStore } from 'svelte-websocket-store'`],
]

export async function run() {
  const rows = []
  const clientAlone = measure(await bundle(client))
  for (const [framework, name, pkg, contents] of entries) {
    try {
      rows.push({ framework, name, version: versionOf(pkg), ...measure(await bundle(contents)) })
    } catch (err) {
      rows.push({ framework, name, version: versionOf(pkg), error: err.errors?.[0]?.text ?? String(err.message ?? err).split('\n')[0] })
    }
  }
  const lifelineOf = (framework) => rows.find((row) => row.framework === framework && !row.error)
  const text = table(['framework', 'what the app ships', 'version', 'min', 'gzip', 'over createClient', 'gzip vs lifeline'], rows.map((row) => row.error
    ? [row.framework, row.name, row.version, 'build failed', '–', '–', '–']
    : [row.framework, row.name, row.version, formatBytes(row.min), formatBytes(row.gzip),
      row.name.startsWith('lifeline') ? `+${formatBytes(row.gzip - clientAlone.gzip)}` : '–', ratio(row.gzip, lifelineOf(row.framework).gzip)]))
  const errors = rows.filter((row) => row.error).map((row) => `${row.name}: ${row.error}`).join('\n')
  return { rows, text: `${text}\n\ncreateClient alone: ${formatBytes(clientAlone.gzip)} gzip (${clientAlone.gzip} B); the framework is not counted in any row.${errors ? `\n${errors}` : ''}` }
}
