// Builds `lifeline-ws/svelte` (ESM, CJS, types) from src/svelte/index.ts: svelte stays external,
// the client and the store core are imported as the packages `lifeline-ws` and `lifeline-ws/store`.
import { bindingBuild } from '../store/rollup.binding.mjs'

export default bindingBuild('svelte', (id) => id === 'svelte' || id.startsWith('svelte/'))
