// Empties dist/ before a build: rollup names chunks by content hash, so without this every
// rebuild would leave the previous chunks behind, and `npm pack` would ship them.
import { rmSync } from 'node:fs'

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true })
