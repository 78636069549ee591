// Builds `lifeline-ws/react` (ESM, CJS, types) from src/react/index.ts: react stays external,
// the client and the store core are imported as the packages `lifeline-ws` and `lifeline-ws/store`.
import { bindingBuild } from '../store/rollup.binding.mjs'

export default bindingBuild('react', (id) => id === 'react' || id.startsWith('react/'))
