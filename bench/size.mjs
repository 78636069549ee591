// Size: every library bundled the same way an app would ship it (esbuild,
// bundle + minify, browser platform, ESM, production defines), from an entry
// that imports the library's main export, then measured min / gzip / brotli.
import { build } from 'esbuild'
import { brotliCompressSync, gzipSync, constants } from 'node:zlib'
import { join } from 'node:path'
import { benchDir, root, lifelineDist, versionOf } from './lib/env.mjs'
import { formatBytes, ratio, table } from './lib/stats.mjs'

/** The full-client target of the issue, gzip bytes. */
export const FULL_CLIENT_GZIP_TARGET = 3 * 1024

const lifeline = lifelineDist ?? join(root, 'src/index.ts')

/** [name, package for the version column, entry source]. */
const entries = [
  ['lifeline (full: createClient)', 'lifeline-ws', `export { createClient } from 'lifeline-ws'`],
  // Tree-shaking can't see through a runtime option, so this is what an app
  // that only ever passes protocol: false really ships.
  ['lifeline (protocol: false, as bundled)', 'lifeline-ws',
    `import { createClient } from 'lifeline-ws'\nexport const c = (u) => createClient(u, { protocol: false })`],
  ['lifeline (every export)', 'lifeline-ws', `export * from 'lifeline-ws'`],
  // The lower bound of a connection-only entry point: link + outbox + options,
  // straight from src/ (not public; shows what a split entry could weigh).
  ['lifeline (connection core, src/ only)', 'lifeline-ws',
    `export { createLink } from './src/socket/reconnect.ts'\nexport { createOutbox } from './src/socket/outbox.ts'\nexport { resolveOptions } from './src/socket/options.ts'`],
  ['partysocket', 'partysocket', `export { PartySocket } from 'partysocket'`],
  ['reconnecting-websocket', 'reconnecting-websocket', `export { default } from 'reconnecting-websocket'`],
  ['sockette', 'sockette', `export { default } from 'sockette'`],
  ['websocket-ts', 'websocket-ts', `export { WebsocketBuilder } from 'websocket-ts'`],
  ['socket.io-client', 'socket.io-client', `export { io } from 'socket.io-client'`],
  ['phoenix', 'phoenix', `export { Socket } from 'phoenix'`],
  ['centrifuge', 'centrifuge', `export { Centrifuge } from 'centrifuge'`],
  ['rpc-websockets', 'rpc-websockets', `export { Client } from 'rpc-websockets'`],
  ['graphql-ws', 'graphql-ws', `export { createClient } from 'graphql-ws'`],
  ['@microsoft/signalr', '@microsoft/signalr', `export { HubConnectionBuilder } from '@microsoft/signalr'`],
]

/** Bundles one entry and returns its minified text (throws on a build error); `metafile` adds esbuild's input map. */
export async function bundle(contents, metafile = false) {
  const out = await build({
    metafile,
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    // The competitors are installed in bench/node_modules, not the root's.
    nodePaths: [join(benchDir, 'node_modules')],
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020',
    write: false, legalComments: 'none', logLevel: 'silent',
    alias: { 'lifeline-ws': lifeline },
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return metafile ? { text: out.outputFiles[0].text, metafile: out.metafile } : out.outputFiles[0].text
}

/**
 * Where the full client's bytes come from: its minified bytes per source
 * module, bundled from src/ (dist/ is one file). gzip doesn't add up per
 * module, so the gzip column is each module's share of the whole.
 */
async function breakdown() {
  const { text, metafile } = await bundle(`export { createClient } from './src/index.ts'`, true)
  const total = measure(text)
  const inputs = Object.entries(Object.values(metafile.outputs)[0].inputs).filter(([, v]) => v.bytesInOutput > 0)
  const rows = inputs.sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).map(([file, v]) => [
    file.replace(/^node_modules\//, ''), formatBytes(v.bytesInOutput), `${((v.bytesInOutput / total.min) * 100).toFixed(0)}%`,
    formatBytes((v.bytesInOutput / total.min) * total.gzip),
  ])
  return `Full client by module (from src/: ${formatBytes(total.min)} min, ${formatBytes(total.gzip)} gzip):\n\n` +
    table(['module', 'min', 'share', '≈ gzip share'], rows)
}

/** min / gzip (level 9) / brotli (quality 11) byte counts of some text. */
export function measure(text) {
  const buf = Buffer.from(text)
  return {
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }
}

export async function run() {
  const rows = []
  for (const [name, pkg, contents] of entries) {
    try {
      rows.push({ name, version: versionOf(pkg), ...measure(await bundle(contents)) })
    } catch (err) {
      rows.push({ name, version: versionOf(pkg), error: err.errors?.[0]?.text ?? String(err.message ?? err).split('\n')[0] })
    }
  }
  const base = rows[0]
  const text = table(['library', 'version', 'min', 'gzip', 'brotli', 'gzip vs lifeline'], rows.map((r) => r.error
    ? [r.name, r.version, 'build failed', '–', '–', '–']
    : [r.name, r.version, formatBytes(r.min), formatBytes(r.gzip), formatBytes(r.brotli), ratio(r.gzip, base.gzip)]))
  const met = base.gzip <= FULL_CLIENT_GZIP_TARGET
  const target = `Target: full client ≤ ${formatBytes(FULL_CLIENT_GZIP_TARGET)} gzipped: ${formatBytes(base.gzip)} (${base.gzip} B), ${met ? 'met' : 'MISSED'}.` +
    ` Measured from ${lifelineDist ? lifelineDist.replace(root, '') : 'src/index.ts (dist/ not built)'}.`
  const parts = await breakdown().catch((err) => `Breakdown failed: ${err.errors?.[0]?.text ?? err.message}`)
  const errors = rows.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`).join('\n')
  return { rows, targets: { fullClientGzip: { limit: FULL_CLIENT_GZIP_TARGET, value: base.gzip, met } }, text: `${text}\n\n${target}${errors ? `\n${errors}` : ''}\n\n${parts}` }
}
