// The build of one framework entry (lifeline-ws/store, /react, /vue, /svelte): ESM, CJS and
// bundled types from src/<name>/index.ts, apart from the core bundles. The framework stays
// external, and the other entries are imported as the package (`../index` is `lifeline-ws`,
// `../store/index` is `lifeline-ws/store`), never copied in: an app has one client module and
// one map of watched topics (store/watched.ts), whichever bindings it uses.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

const packages = { '../index': 'lifeline-ws', '../store/index': 'lifeline-ws/store' }

/**
 * @param {string} name the folder under src/ and the file name under dist/
 * @param {(id: string) => boolean} framework true for the framework's own module ids
 */
export function bindingBuild(name, framework) {
  const input = `src/${name}/index.ts`
  const tsconfig = `./src/${name}/tsconfig.${name}.json`
  const external = (id) => framework(id) || Object.values(packages).includes(id)
  const entriesAsPackages = () => ({
    name: 'lifeline-entries-as-packages',
    resolveId: (source, importer) => (importer?.includes(`/src/${name}/`) && packages[source] ? { id: packages[source], external: true } : null),
  })
  return [
    {
      input,
      external,
      plugins: [entriesAsPackages(), typescript({ tsconfig, declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true })],
      output: [
        { file: `dist/${name}.js`, format: 'es', sourcemap: true },
        { file: `dist/${name}.cjs`, format: 'cjs', sourcemap: true, exports: 'named' },
      ],
    },
    {
      input,
      external,
      plugins: [entriesAsPackages(), dts({ tsconfig })],
      output: { file: `dist/${name}.d.ts`, format: 'es' },
    },
  ]
}
