/** The markdown summary of a chaos run, for a terminal and for docs/reliability.md. */
import type { HeapFigures } from './heap'
import type { ChaosReport } from './run'

const row = (name: string, value: unknown) => `| ${name} | ${typeof value == 'object' ? JSON.stringify(value) : String(value)} |`

export function markdown(report: ChaosReport, heap: HeapFigures | undefined, command: string): string {
  const { calls, notes, topics, events, publishes, reconnects, leaks, server } = report
  const lines = [
    `# Chaos run: seed ${report.seed}, ${report.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `Reproduce: \`${command}\``,
    '',
    '| | |',
    '| --- | --- |',
    row('clients', report.clients),
    row('minutes', report.durationMs / 60_000),
    row('topics and sessions on Redis (--redis)', report.redis ? 'yes (write-through sessions)' : 'no (in memory)'),
    row('pace (mean ms between two actions of a client)', report.pace),
    row('faults by kind', report.faults),
    row('calls issued / settled', `${calls.issued} / ${calls.settled}`),
    row('calls by outcome', calls.byOutcome),
    row('calls hung / late / wrong answer / untyped error', `${calls.hung} / ${calls.late} / ${calls.wrong} / ${calls.untyped}`),
    row('calls late, explained by a stall of the clients\' event loop as long', calls.lateExplainedByLoopDelay),
    row('slowest settle, ms', calls.worstSettleMs),
    row('notifications sent', notes.sent),
    row('delivered exactly once', notes.deliveredOnce),
    row('duplicates', notes.duplicates),
    row('reported dropped (overflow, expired, closed) but run by the server', notes.droppedButRan),
    row('reported unknown (in doubt when the session was lost), run / not run', `${notes.unknownRan} / ${(notes.dropped.unknown ?? 0)}`),
    row('lost (unexplained / explained by a SIGKILL)', `${notes.lost} / ${notes.lostExplainedByKill}`),
    row('unexplained losses by the fault in progress', notes.lostByFault),
    row('returned in a drop event, by reason', notes.dropped),
    row('out of order (unexplained / explained by a SIGKILL)', `${notes.outOfOrder} / ${notes.outOfOrderExplainedByKill}`),
    row('topic subscribers / messages / onGap', `${topics.subscribers} / ${topics.messages} / ${topics.gaps}`),
    row('topic seq not increasing / skipped without onGap', `${topics.notIncreasing} / ${topics.holesWithoutGap}`),
    row('server events (tick, own) received', events.received),
    row('events repeated or out of order', events.repeated),
    row('events lost (unexplained / after a new session / during a Redis fault)', `${events.holes} / ${events.holesAfterNewSession} / ${events.holesExplainedByRedis}`),
    row('publishes settled / rejected / slower than the deadline + grace / pending at the end', `${publishes.settled} / ${publishes.rejected} / ${publishes.slow} / ${publishes.pending}`),
    row('slowest publish, ms', publishes.slowestMs),
    row('leaked timers / listeners / sockets after close()', `${leaks.timers} / ${leaks.listeners} / ${leaks.sockets}`),
    row('opens / closes by code', `${reconnects.opens} / ${JSON.stringify(reconnects.closes)}`),
    row('peak connection attempts per second after an outage (bound)', `${reconnects.peakPerSecondAfterOutage} (${reconnects.bound})`),
    row('peak connection attempts per second, whole run', reconnects.peakPerSecondOverall),
    row('clients\' event loop delay, p99 / max, ms', `${report.clientLoopDelay.p99} / ${report.clientLoopDelay.max}`),
    row('server heap / rss at the end, MiB', `${(server.heapUsed / 1048576).toFixed(1)} / ${(server.rss / 1048576).toFixed(1)}`),
  ]
  if (heap) {
    lines.push(
      row(
        `heap growth over ${heap.cycles} reconnect cycles (client / server, bound)`,
        `${((heap.clientAtEnd - heap.clientAt100) / 1024).toFixed(0)} KiB / ${((heap.serverAtEnd - heap.serverAt100) / 1024).toFixed(0)} KiB (${heap.bound / 1024} KiB)`,
      ),
    )
  }
  lines.push('', report.violations.length ? '## Violations' : 'No violations.', '', ...report.violations.map((line) => `- ${line}`), '')
  return lines.join('\n')
}
