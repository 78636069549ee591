// Builds `lifeline-ws/server` (ESM, CJS, types) from src/server/index.ts. Kept apart
// from the browser builds: ws and Node's builtins stay external, and the
// browser tsconfig never sees these files.
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

const external = (id) => id === 'ws' || id === 'ioredis' || id.startsWith('node:')
const input = 'src/server/index.ts'

export default [
  {
    input,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.server.json', declaration: false, declarationDir: undefined, outDir: 'dist', sourceMap: true })],
    output: [
      { file: 'dist/server.js', format: 'es', sourcemap: true },
      { file: 'dist/server.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.server.json' })],
    output: { file: 'dist/server.d.ts', format: 'es' },
  },
]
