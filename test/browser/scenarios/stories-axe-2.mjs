// Accessibility of the gallery, part 2 of 2: see lib/axe.mjs.
import { axeScenario } from '../lib/axe.mjs'

export default axeScenario(2)
