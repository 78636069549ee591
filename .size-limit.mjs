// Production size budgets, measured as an app ships lifeline: esbuild for the browser, target es2020,
// minified (which sets process.env.NODE_ENV to "production", so development-only option checks drop out),
// gzip -9. `npm run size` enforces them; `node scripts/size-by-file.mjs` shows where the bytes go.
// The issue #13 targets are createSocket <= 3.5 KB and createClient <= 6.5 KB; the limits below are the
// measured sizes (a ratchet: they go up only with a row in docs/architecture.md, "Size", that says why).
// That section shows per feature why the targets are not reached with every feature #13 lists.
const production = (config) => ({
  ...config,
  platform: 'browser',
  target: 'es2020',
  define: { ...config.define, 'process.env.NODE_ENV': '"production"' },
})

/** createClient and everything one framework entry exports, production. */
const binding = (name, entry, frameworks, limit) => ({
  name: `${name}, production`,
  path: ['dist/lifeline.js', `dist/${entry}.js`],
  import: { 'dist/lifeline.js': '{ createClient }', [`dist/${entry}.js`]: '*' },
  ignore: frameworks,
  limit,
  gzip: true,
  modifyEsbuildConfig: production,
})

export default [
  {
    name: 'createSocket (lifeline-ws/socket), production',
    path: 'dist/socket.js',
    import: '{ createSocket }',
    limit: '5.3 kB',
    gzip: true,
    modifyEsbuildConfig: production,
  },
  {
    name: 'createClient (lifeline-ws), production',
    path: 'dist/lifeline.js',
    import: '{ createClient }',
    limit: '11.6 kB',
    gzip: true,
    modifyEsbuildConfig: production,
  },
  {
    name: 'everything lifeline-ws exports (both storage adapters included), production',
    path: 'dist/lifeline.js',
    limit: '13 kB',
    gzip: true,
    modifyEsbuildConfig: production,
  },
  {
    name: 'createClient with share (lifeline-ws/share), production',
    path: 'dist/share.js',
    import: '{ createClient }',
    limit: '17.5 kB',
    gzip: true,
    modifyEsbuildConfig: production,
  },
  // The MessagePack dialect has its own entry: createClient above is measured without it (an app on JSON
  // ships none of it). Its bytes alone, and what an app on MessagePack ships in all.
  {
    name: 'msgpack() (lifeline-ws/msgpack) alone: the dialect and @msgpack/msgpack, production',
    path: 'dist/msgpack.js',
    import: '{ msgpack }',
    limit: '8.4 kB',
    gzip: true,
    modifyEsbuildConfig: production,
  },
  {
    name: 'createClient with msgpack() (lifeline-ws + lifeline-ws/msgpack), production',
    path: ['dist/lifeline.js', 'dist/msgpack.js'],
    import: { 'dist/lifeline.js': '{ createClient }', 'dist/msgpack.js': '{ msgpack }' },
    limit: '19.1 kB',
    gzip: true,
    modifyEsbuildConfig: production,
  },
  // The framework bindings, each measured with createClient as an app ships them (its framework
  // left out: the app has it anyway). The store core is shared: an app pays for it once, whichever
  // bindings it uses. docs/architecture.md, "Size", has the bytes each adds.
  binding('createClient + lifeline-ws/store (the reactive core alone)', 'store', [], '12.5 kB'),
  binding('createClient + lifeline-ws/react (everything it exports, react not counted)', 'react', ['react'], '13 kB'),
  binding('createClient + lifeline-ws/vue (everything it exports, vue not counted)', 'vue', ['vue'], '13.2 kB'),
  binding('createClient + lifeline-ws/svelte (everything it exports, svelte not counted)', 'svelte', ['svelte'], '12.8 kB'),
  {
    // Built from lifeline-ws/share: a <script> page gets `share` too, in one file.
    name: 'UMD for the CDN (everything, share included), minified production build, self-contained',
    path: 'dist/lifeline.umd.min.js',
    gzip: true,
    limit: '18.3 kB',
  },
  {
    // The MessagePack dialect for a <script> page, after the UMD above: @msgpack/msgpack inside.
    name: 'msgpack() for the CDN (dist/msgpack.umd.min.js), minified production build, self-contained',
    path: 'dist/msgpack.umd.min.js',
    gzip: true,
    limit: '8.4 kB',
  },
  {
    // React Native's adapters alone: lifeline-ws itself is the app's import, counted above.
    name: 'lifeline-ws/react-native (AppState/NetInfo environment, AsyncStorage outbox), production',
    path: 'dist/react-native.js',
    ignore: ['lifeline-ws'],
    limit: '1.7 kB',
    gzip: true,
    modifyEsbuildConfig: production,
  },
]
