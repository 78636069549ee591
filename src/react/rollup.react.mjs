// Builds `lifeline-ws/react` (ESM, CJS, types) from src/react/index.ts, apart
// from the core bundles: react stays external, and the core is imported as
// the package `lifeline-ws` (never copied in), so an app has one client module.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

const input = 'src/react/index.ts'
const external = (id) => id === 'react' || id.startsWith('react/') || id === 'lifeline-ws'

/** `../index` (the core entry) becomes an import of the package itself. */
const corePackage = () => ({
  name: 'lifeline-core-as-package',
  resolveId: (source, importer) => (importer?.includes('/src/react/') && source === '../index' ? { id: 'lifeline-ws', external: true } : null),
})

export default [
  {
    input,
    external,
    plugins: [corePackage(), typescript({ tsconfig: './src/react/tsconfig.react.json', declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true })],
    output: [
      { file: 'dist/react.js', format: 'es', sourcemap: true },
      { file: 'dist/react.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input,
    external,
    plugins: [corePackage(), dts({ tsconfig: './src/react/tsconfig.react.json' })],
    output: { file: 'dist/react.d.ts', format: 'es' },
  },
]
