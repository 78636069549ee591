import { describe, expect, it } from 'vitest'
import { clockFor, installGlobals } from '../../sim/kernel/clocks'
import { Scheduler } from '../../sim/kernel/scheduler'

/** Runs every event in order, returning the labels it ran. */
function runAll(scheduler: Scheduler): string[] {
  const ran: string[] = []
  for (let event = scheduler.next(); event; event = scheduler.next()) {
    ran.push(`${event.at}:${event.what}`)
    event.fn()
  }
  return ran
}

describe('the scheduler', () => {
  it('runs events by time, and events of one time in the order they were scheduled', () => {
    const scheduler = new Scheduler()
    scheduler.at(20, 'a', 'late', () => {})
    scheduler.at(10, 'a', 'first', () => {})
    scheduler.at(10, 'b', 'second', () => {})
    scheduler.at(0, 'a', 'now', () => {})
    expect(runAll(scheduler)).toEqual(['0:now', '10:first', '10:second', '20:late'])
    expect(scheduler.now).toBe(20)
  })

  it('never schedules into the past', () => {
    const scheduler = new Scheduler()
    scheduler.at(50, 'a', 'later', () => scheduler.at(-10, 'a', 'negative', () => {}))
    expect(runAll(scheduler)).toEqual(['50:later', '50:negative'])
  })

  it('counts pending timers per owner, and forgets what a killed owner scheduled', () => {
    const scheduler = new Scheduler()
    const clock = clockFor(scheduler, 'c0')
    const handle = clock.setTimeout(() => {}, 10)
    clock.setTimeout(() => {}, 20)
    scheduler.at(5, 's1', 'delivery', () => {})
    scheduler.at(5, 's1', 'timer', () => {}, undefined, true)
    expect(scheduler.pendingTimers('c0')).toBe(2)
    clock.clearTimeout(handle)
    expect(scheduler.pendingTimers('c0')).toBe(1)
    scheduler.kill('s1')
    expect(scheduler.pendingTimers('s1')).toBe(0)
    scheduler.at(1, 's1', 'after the kill', () => {})
    expect(runAll(scheduler)).toEqual(['20:timer'])
    expect(scheduler.pendingTimers('c0')).toBe(0)
  })
})

describe('the globals of a run', () => {
  it('run setTimeout, setInterval, Date.now and Math.random on the simulation, owned by whoever runs', () => {
    const scheduler = new Scheduler()
    let draws = 0
    const uninstall = installGlobals(scheduler, () => ++draws / 10, 1_000_000)
    const seen: string[] = []
    try {
      scheduler.current = 's0#1'
      const interval = setInterval(() => seen.push(`tick ${Date.now()}`), 100)
      setTimeout(() => seen.push(`once ${Date.now()}`), 0)
      expect(Math.random()).toBe(0.1)
      expect(scheduler.pendingTimers('s0#1')).toBe(2)
      for (let event = scheduler.next(); event && scheduler.now <= 300; event = scheduler.next()) {
        event.fn()
        if (scheduler.now === 300) clearInterval(interval)
      }
    } finally {
      uninstall()
    }
    // Node runs a 0 ms timer after 1 ms.
    expect(seen).toEqual(['once 1000001', 'tick 1000100', 'tick 1000200', 'tick 1000300'])
    expect(scheduler.pendingTimers('s0#1')).toBe(0)
    expect(Date.now()).toBeGreaterThan(1_600_000_000_000)
  })

  it('report each use in a strict run', () => {
    const scheduler = new Scheduler()
    const escaped: string[] = []
    const uninstall = installGlobals(scheduler, () => 0.5, 0, (name) => escaped.push(name))
    try {
      Date.now()
      setTimeout(() => {}, 5)
    } finally {
      uninstall()
    }
    expect(escaped).toEqual(['Date.now', 'setTimeout'])
  })
})
