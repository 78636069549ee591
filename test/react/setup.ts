// Shared by the hook tests: the real server and clients of test/store/server.ts, and Testing
// Library's cleanup after each test.
import { afterEach } from 'vitest'
import { cleanup, configure } from '@testing-library/react'
import { patient } from '../helpers/wait'

export { connect, counted, gate, spied, startServer, type ChatApi } from '../store/server'

// Component tests wait with Testing Library's waitFor, not vi.waitFor: it turns React's act()
// environment off while it polls, so renders caused by socket events do not warn. Its deadline is
// the one every other test waits with (tests never assert speed; 1 s is short on a loaded machine).
configure({ asyncUtilTimeout: patient.timeout })

afterEach(() => {
  cleanup()
})
