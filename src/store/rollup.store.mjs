// Builds `lifeline-ws/store` (ESM, CJS, types) from src/store/index.ts: no framework, the client
// imported as the package `lifeline-ws`.
import { bindingBuild } from './rollup.binding.mjs'

export default bindingBuild('store', () => false)
