import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// The chaos suite's own checks (the history checker, the PRNG, the schedule): `npx vitest run -c test/chaos/vitest.config.ts`.
// The runs themselves are `npm run chaos` (docs/reliability.md).
export default defineConfig({ test: { include: ['test/chaos/**/*.test.ts'], root: join(import.meta.dirname, '../..'), environment: 'node' } })
