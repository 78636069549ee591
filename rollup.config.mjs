// Builds the browser client (ESM, CJS, UMD) and its bundled types.
// The server entry is appended by server/rollup.server.mjs so the browser
// bundles can never pull in Node code.
import typescript from '@rollup/plugin-typescript'
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { dts } from 'rollup-plugin-dts'
import { existsSync } from 'node:fs'

const ts = () => typescript({ tsconfig: './tsconfig.build.json', declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true })
const minify = () => terser({ compress: { passes: 2 }, mangle: { properties: false } })

// The UMD files have no bundler after them: this fixes `process.env.NODE_ENV` for each, so the
// development one keeps the option checks and the production one drops them (terser removes the dead branch).
// The guard's `typeof process !== 'undefined'` goes too: a browser has no `process`, and with it left in,
// the development file skipped its checks on every page (test/package/production.test.ts).
const nodeEnv = (value) => ({
  name: 'node-env',
  transform: (code) => {
    if (!code.includes('process.env.NODE_ENV')) return null
    const fixed = code.replaceAll("typeof process !== 'undefined'", 'true').replaceAll('process.env.NODE_ENV', JSON.stringify(value))
    return { code: fixed, map: null }
  },
})

/** A CDN file pair for a <script> tag: dist/<file>.umd.js (development) and .umd.min.js (production), defining `global`. */
const umd = (input, file, global) => ['development', 'production'].map((env) => ({
  input,
  plugins: [resolve({ browser: true }), nodeEnv(env), ts()],
  output: {
    file: `dist/${file}.umd${env === 'production' ? '.min' : ''}.js`,
    format: 'umd', name: global, sourcemap: true, exports: 'named',
    plugins: env === 'production' ? [minify()] : [],
  },
}))

// Four entries share their chunks in ESM and CJS: lifeline-ws (the client), lifeline-ws/socket,
// lifeline-ws/share (the client whose createClient takes `share`) and lifeline-ws/msgpack (the binary dialect).
const entries = { lifeline: 'src/index.ts', socket: 'src/socket.ts', share: 'src/share.ts', msgpack: 'src/msgpack.ts' }

const client = [
  // ESM leaves nanoevents to the app's bundler, which dedupes it with any other copy. By default rollup
  // hoists the imports of shared chunks into each entry, an external one as a bare `import 'nanoevents'`;
  // nanoevents declares `sideEffects: false`, so an app's bundler drops it with a warning (esbuild's
  // ignored-bare-import, four of them in `npm run size`). The chunk that uses nanoevents imports it itself,
  // and an external is taken as free of side effects, as nanoevents says it is, so no entry keeps a bare import.
  {
    input: entries,
    // @msgpack/msgpack too, for the same reason: the app's bundler dedupes it (and only lifeline-ws/msgpack imports it).
    external: ['nanoevents', '@msgpack/msgpack'],
    treeshake: { moduleSideEffects: 'no-external' },
    plugins: [ts()],
    output: { dir: 'dist', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', format: 'es', sourcemap: true, hoistTransitiveImports: false },
  },
  // CommonJS carries its own copy (95 B gzipped): nanoevents is ESM only, and require() of an ES
  // module fails before Node 20.19 and in Jest's module loader.
  {
    input: entries,
    plugins: [resolve(), ts()],
    output: { dir: 'dist', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', format: 'cjs', sourcemap: true, exports: 'named' },
  },
  // The CDN build is the share entry: everything lifeline-ws exports, and createClient takes `share`.
  ...umd('src/share.ts', 'lifeline', 'Lifeline'),
  // The MessagePack dialect for the CDN: @msgpack/msgpack inside, the global LifelineMsgpack; a page
  // loads it after lifeline.umd.min.js and passes LifelineMsgpack.msgpack() as the client's protocol.
  ...umd('src/msgpack.ts', 'msgpack', 'LifelineMsgpack'),
  ...Object.entries(entries).map(([name, input]) => ({
    input,
    external: ['nanoevents', '@msgpack/msgpack'],
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { file: `dist/${name}.d.ts`, format: 'es' },
  })),
]

// The server build lives next to its sources so its owner can change it freely.
const server = existsSync('src/server/rollup.server.mjs') ? (await import('./src/server/rollup.server.mjs')).default : []
// lifeline-ws/react, /testing, /react-native, /store, /vue and /svelte: each entry's build lives next to its sources.
const optionalEntries = (await Promise.all(['react', 'testing', 'react-native', 'store', 'vue', 'svelte'].map((name) => import(`./src/${name}/rollup.${name}.mjs`)))).flatMap((module) => module.default)

export default [...client, ...server, ...optionalEntries]
