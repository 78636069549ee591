// Builds `lifeline-ws/testing` (ESM, CJS, types) from src/testing/index.ts:
// Node only, ws and Node's builtins external, and the server imported as the
// package `lifeline-ws/server` (never copied in).
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

const input = 'src/testing/index.ts'
const packages = { '../server/index': 'lifeline-ws/server', '../index': 'lifeline-ws' }
const external = (id) => id === 'ws' || id.startsWith('node:') || Object.values(packages).includes(id)

/** Relative imports of the other entries become imports of the package itself. */
const entriesAsPackages = () => ({
  name: 'lifeline-entries-as-packages',
  resolveId: (source, importer) => (importer?.includes('/src/testing/') && packages[source] ? { id: packages[source], external: true } : null),
})

export default [
  {
    input,
    external,
    plugins: [entriesAsPackages(), typescript({ tsconfig: './src/testing/tsconfig.testing.json', declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true })],
    output: [
      { file: 'dist/testing.js', format: 'es', sourcemap: true },
      { file: 'dist/testing.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input,
    external,
    plugins: [entriesAsPackages(), dts({ tsconfig: './src/testing/tsconfig.testing.json' })],
    output: { file: 'dist/testing.d.ts', format: 'es' },
  },
]
