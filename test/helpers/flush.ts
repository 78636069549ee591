/**
 * Lets every pending promise callback run, without moving time: for code that
 * is a few awaits deep (async storage adapters, URL providers, handlers), so a
 * test can then check what it did, or did not do. On fake timers this is
 * vitest's `advanceTimersByTimeAsync(0)` (timers already due run too; none
 * later); on real ones, one turn of the event loop. Not a wait for something
 * that takes time: that is `vi.waitFor` (./wait).
 */
import { vi } from 'vitest'

export async function flush(): Promise<void> {
  if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0)
  else await new Promise((resolve) => setImmediate(resolve))
}
