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

const client = [
  {
    input: 'src/index.ts',
    external: ['nanoevents'],
    plugins: [ts()],
    output: [
      { file: 'dist/lifeline.js', format: 'es', sourcemap: true },
      { file: 'dist/lifeline.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [resolve({ browser: true }), ts()],
    output: [
      { file: 'dist/lifeline.umd.js', format: 'umd', name: 'Lifeline', sourcemap: true, exports: 'named' },
      { file: 'dist/lifeline.umd.min.js', format: 'umd', name: 'Lifeline', sourcemap: true, exports: 'named', plugins: [minify()] },
    ],
  },
  {
    input: 'src/index.ts',
    external: ['nanoevents'],
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { file: 'dist/lifeline.d.ts', format: 'es' },
  },
]

// The server build lives next to its sources so its owner can change it freely.
const server = existsSync('src/server/rollup.server.mjs') ? (await import('./src/server/rollup.server.mjs')).default : []
// lifeline-ws/react and lifeline-ws/testing: each entry's build lives next to its sources.
const entries = (await Promise.all(['react', 'testing'].map((name) => import(`./src/${name}/rollup.${name}.mjs`)))).flatMap((module) => module.default)

export default [...client, ...server, ...entries]
