// Builds `lifeline-ws/server` (src/server/index.ts, on ws) and its Deno and Bun entries
// (`lifeline-ws/server/deno`, `/bun`: src/server/deno.ts, bun.ts), each ESM, CJS and types, each
// self-contained. Kept apart from the browser builds: ws and Node's builtins stay external, and the
// browser tsconfig never sees these files. The Deno and Bun entries never import ws.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

const external = (id) => id === 'ws' || id === 'ioredis' || id.startsWith('node:')
const entries = { server: 'src/server/index.ts', 'server-deno': 'src/server/deno.ts', 'server-bun': 'src/server/bun.ts' }

export default Object.entries(entries).flatMap(([name, input]) => [
  {
    input,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.server.json', declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true })],
    output: [
      { file: `dist/${name}.js`, format: 'es', sourcemap: true },
      { file: `dist/${name}.cjs`, format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.server.json' })],
    output: { file: `dist/${name}.d.ts`, format: 'es' },
  },
])
