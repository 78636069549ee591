// Builds `lifeline-ws/react-native` (ESM, CJS, types) from src/react-native/index.ts, apart from the
// core bundles: the core is imported as the package `lifeline-ws` (never copied in), so an app has
// one client module; the stored-frame format helpers of socket/ are copied in (a few hundred bytes).
// No React Native package is imported: the app passes AppState, NetInfo and AsyncStorage in.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

const input = 'src/react-native/index.ts'
const external = (id) => id === 'lifeline-ws'

/** `../index` (the core entry) becomes an import of the package itself. */
const corePackage = () => ({
  name: 'lifeline-core-as-package',
  resolveId: (source, importer) => (importer?.includes('/src/react-native/') && source === '../index' ? { id: 'lifeline-ws', external: true } : null),
})

export default [
  {
    input,
    external,
    // socket/storage.ts reaches socket/outbox.ts, whose module-level TextEncoder is not needed here.
    treeshake: { moduleSideEffects: false },
    plugins: [corePackage(), typescript({ tsconfig: './src/react-native/tsconfig.react-native.json', declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true })],
    output: [
      { file: 'dist/react-native.js', format: 'es', sourcemap: true },
      { file: 'dist/react-native.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input,
    external,
    plugins: [corePackage(), dts({ tsconfig: './src/react-native/tsconfig.react-native.json' })],
    output: { file: 'dist/react-native.d.ts', format: 'es' },
  },
]
