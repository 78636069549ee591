/**
 * How every test waits for something that happens over real sockets or in
 * another process: vitest's `vi.waitFor`, with these options.
 *
 * ```ts
 * await vi.waitFor(() => expect(server.clients.size).toBe(2), patient)
 * await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(2000), { ...patient, timeout: 20_000 })
 * ```
 *
 * vi.waitFor polls the callback until it stops throwing, so a wait that
 * times out fails with the expectation's own message (expected 1 to be 2).
 * Its defaults suit neither side of our waits: one second is too short on
 * a loaded two-core machine (tests never assert speed), and a check every
 * 50 ms would add most of that to every loopback round trip.
 *
 * What a fixed wait cannot prove, that something did not happen, is shown
 * on a fake clock instead: `vi.useFakeTimers()` in unit tests, and
 * `manualClock()` (./manual-clock) passed as `environment.clock` where the
 * sockets are real.
 */
export const patient = { timeout: 10_000, interval: 5 } as const
