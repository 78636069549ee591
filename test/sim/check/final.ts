/**
 * The checks that need the whole run: at quiescence, every call settled,
 * every notification ran or was reported, every broadcast reached every
 * session that was there to get it (unless that session was lost, or its
 * process crashed); at the end, nothing is left: no timer of any client or
 * closed server, no socket, no environment listener, no event scheduled.
 * @module
 */
import type { Scheduler } from '../kernel/scheduler'
import type { Network } from '../net/network'
import type { Agent } from '../world/clients'
import type { SimConfig } from '../world/config'
import type { Servers } from '../world/servers'
import type { Findings } from './findings'
import type { Ledger } from './ledger'

export function checkQuiet(ledger: Ledger, agents: readonly Agent[], servers: Servers, findings: Findings, _config: SimConfig) {
  for (const frame of ledger.issued.values()) {
    const name = `c${frame.c}#${frame.n} (${frame.kind}, issued at ${frame.issuedAt} ms${frame.resend ? ', resend' : ''}${frame.timeout === Infinity ? ', no timeout' : ''})`
    if (frame.kind !== 'note' && frame.outcome === undefined) {
      findings.fail('hung', `${name} never settled; ${frame.runs.length ? `it ran on ${frame.runs.map((run) => run.owner).join(', ')}` : 'it never ran'}`)
      return
    }
    // A plain client's notification written into a socket that died is lost silently, by design.
    if (frame.kind === 'note' && !frame.runs.length && frame.dropped === undefined && !ledger.client(frame.c).plain) {
      findings.fail('lost', `${name} never ran and no drop event reported it`)
      return
    }
  }
  const crashed = new Set(servers.crashes.map((crash) => crash.owner))
  for (const [n, tick] of ledger.ticks) {
    if (crashed.has(tick.owner)) continue
    for (const agent of agents) {
      const view = ledger.client(agent.c)
      const session = view.sessions.filter((event) => event.at <= tick.at).at(-1)
      if (!session || !tick.recipients.has(session.id)) continue
      if (view.losses.some((at) => at >= tick.at)) continue
      if (!view.ticks.has(n)) {
        findings.fail('event-lost', `broadcast tick ${n} from ${tick.owner} at ${tick.at} ms never reached c${agent.c} (session ${session.id}, which was never lost)`)
        return
      }
    }
  }
}

export function checkLeaks(scheduler: Scheduler, network: Network, agents: readonly Agent[], servers: Servers, findings: Findings, closedAll: boolean) {
  if (!closedAll) {
    findings.fail('close-hung', `server.close() of ${[...servers.closing].map((server) => server.owner).join(', ') || 'a server'} never resolved`)
    return
  }
  for (const agent of agents) {
    const timers = scheduler.pendingTimers(agent.owner)
    if (agent.client.state !== 'closed') findings.fail('leak', `c${agent.c} is ${agent.client.state} after close()`)
    else if (timers) findings.fail('leak', `c${agent.c} left ${timers} timer(s) after close()`)
    else if (agent.window.listeners || agent.document.listeners) {
      findings.fail('leak', `c${agent.c} left ${agent.window.listeners} window and ${agent.document.listeners} document listener(s) after close()`)
    }
  }
  for (const owner of servers.closed) {
    const timers = scheduler.pendingTimers(owner)
    if (timers) findings.fail('leak', `${owner} left ${timers} timer(s) after close()`)
  }
  for (const connection of network.open.values()) {
    const side = connection.clientDone ? 'server' : 'client'
    findings.fail('leak', `connection c${connection.id} to ${connection.address}: its ${side} socket never closed`)
    break
  }
  const next = scheduler.peek()
  if (next) findings.fail('leak', `${next.owner} still has ${next.what} ${next.detail ?? ''} scheduled at ${next.at} ms after everything closed`)
}
