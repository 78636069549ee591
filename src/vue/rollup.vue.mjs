// Builds `lifeline-ws/vue` (ESM, CJS, types) from src/vue/index.ts: vue stays external, the
// client and the store core are imported as the packages `lifeline-ws` and `lifeline-ws/store`.
import { bindingBuild } from '../store/rollup.binding.mjs'

export default bindingBuild('vue', (id) => id === 'vue' || id.startsWith('@vue/'))
