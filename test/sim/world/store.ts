/**
 * The simulated Redis behind the session store: one shared state, reached
 * by each server process over its own connection, with a latency per
 * command (in order per connection), a reply that a crashed process never
 * gets (the command may still have been applied: a crash between two
 * writes), and a freeze (Redis stops answering without closing anything:
 * commands wait, then run in order when it thaws). The two stores a server
 * can have are here: hand-over only (`save`/`take`, like
 * `redisSessionStore({ url })`), and write-through (`journal`, the same
 * steps and fencing as the Lua scripts of src/server/broker/redis-journal.ts).
 * @module
 */
import type { Random } from '../../chaos/prng'
import * as sessionStore from '../../../src/server/sessions/store'
import type { SessionJournal, SessionState, SessionStore } from '../../../src/server/sessions/store'
import type { Scheduler } from '../kernel/scheduler'

/** A session as the simulated Redis keeps it (the hash and the list of redis-journal.ts). */
interface Kept {
  received: number
  sent: number
  base: number
  owner: string
  ttl: number
  frames: string[]
  /** The client's frames started and not finished (the running set). */
  running: Set<number>
  /** Virtual time at which Redis forgets it. */
  expiresAt: number
  marks?: SessionState['marks']
}

/** The error a fenced journal step fails with, as the Lua script's error reply reads. */
const TAKEN = 'LIFELINE_TAKEN the session was taken over by another process, or expired'
/**
 * What redisSessionStore rejects a fenced step with: SessionTakenError (before the server redesign,
 * a plain Error whose message the server matched).
 */
const takenError = (id: string): Error => {
  const Taken = (sessionStore as { SessionTakenError?: new (session: string, options?: ErrorOptions) => Error }).SessionTakenError
  return Taken ? new Taken(id, { cause: new Error(TAKEN) }) : new Error(TAKEN)
}

/** @internal */
export class SimRedis {
  private readonly kept = new Map<string, Kept>()
  /** Commands that arrived while frozen, in arrival order. */
  private backlog: (() => void)[] = []
  frozen = false
  /** Commands applied, for the figures. */
  commands = 0
  private owners = 0

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly latency: [number, number],
    /** Date.now() at virtual time 0 (the store speaks the epoch times SessionState carries). */
    private readonly epoch: number,
  ) {}

  freeze() {
    this.frozen = true
  }

  thaw() {
    this.frozen = false
    const waiting = this.backlog
    this.backlog = []
    for (const run of waiting) run()
  }

  /** A session store for one server process (`owner`), over its own connection. */
  storeFor(owner: string, writeThrough: boolean): SessionStore {
    const connection = new RedisConnection(this.scheduler, this.random, this.latency, owner, (run) => this.arrive(run))
    const handOver: SessionStore = {
      save: (state) => connection.command('SET', () => this.save(state)),
      take: (id) => connection.command('GETDEL', () => this.takeSaved(id)),
    }
    if (!writeThrough) return handOver
    return {
      save: (state) => connection.command('lifelineRelease', () => this.release(state)),
      take: (id) => connection.command('lifelineTake', () => this.take(id) ?? this.takeSaved(id)),
      journal: (state) => this.journal(connection, state),
    }
  }

  /** Sessions kept and not expired, for the figures and the leak check. */
  get size(): number {
    let live = 0
    for (const kept of this.kept.values()) if (kept.expiresAt > this.scheduler.now) live++
    return live
  }

  private arrive(run: () => void) {
    if (this.frozen) this.backlog.push(run)
    else run()
  }

  private live(id: string): Kept | undefined {
    const kept = this.kept.get(id)
    if (kept && kept.expiresAt <= this.scheduler.now) {
      this.kept.delete(id)
      return undefined
    }
    return kept
  }

  private nowEpoch() {
    return this.epoch + this.scheduler.now
  }

  private save(state: SessionState) {
    this.commands++
    const ttl = state.expires - this.nowEpoch()
    if (ttl <= 0) {
      this.kept.delete(state.id)
      return
    }
    this.kept.set(state.id, keptFrom(state, '', ttl, this.scheduler.now))
  }

  /** GETDEL of a handed-over session. */
  private takeSaved(id: string): SessionState | undefined {
    this.commands++
    const kept = this.live(id)
    if (!kept || kept.owner !== '') return undefined
    this.kept.delete(id)
    return stateOf(id, kept, this.nowEpoch(), this.scheduler.now)
  }

  /** lifelineRelease (then lifelineCreate when it was not written through): any process may take it. */
  private release(state: SessionState) {
    this.commands++
    const kept = this.live(state.id)
    const ttl = state.expires - this.nowEpoch()
    if (kept) {
      kept.owner = ''
      kept.expiresAt = this.scheduler.now + Math.max(0, ttl)
      return
    }
    if (ttl > 0) this.kept.set(state.id, keptFrom(state, '', ttl, this.scheduler.now))
  }

  /** lifelineTake: the taker owns the session from now on (the one it leaves is fenced off). */
  private take(id: string): (SessionState & { owner: string; ttl: number }) | undefined {
    this.commands++
    const kept = this.live(id)
    if (!kept) return undefined
    kept.owner = `owner-${++this.owners}`
    return { ...stateOf(id, kept, this.nowEpoch(), this.scheduler.now), owner: kept.owner, ttl: kept.ttl }
  }

  private journal(connection: RedisConnection, state: SessionState): SessionJournal {
    const taken = state as Partial<{ owner: string; ttl: number }>
    const owner = taken.owner ?? `owner-${++this.owners}`
    const ttl = taken.ttl ?? Math.max(1, state.expires - this.nowEpoch())
    const refresh = (kept: Kept) => {
      kept.expiresAt = this.scheduler.now + ttl
    }
    /** A step that first checks the owner (the OWNED prelude of the scripts). */
    const owned = <T>(name: string, step: (kept: Kept) => T) =>
      connection.command(name, () => {
        this.commands++
        const kept = this.live(state.id)
        if (!kept || kept.owner !== owner) throw takenError(state.id)
        return step(kept)
      })
    if (taken.owner === undefined) {
      const created = connection.command('lifelineCreate', () => {
        this.commands++
        this.kept.set(state.id, keptFrom(state, owner, ttl, this.scheduler.now))
      })
      created.catch(() => {})
    }
    /** The journal of a checkout from before issue 26 (--src of an older commit) counts a frame on arrival. */
    interface LegacyJournal {
      receive(): Promise<void>
    }
    const journal: SessionJournal & LegacyJournal = {
      receive: async () => {
        await owned('lifelineReceive', (kept) => {
          kept.received++
          refresh(kept)
        })
      },
      start: async (position, running) => {
        await owned('lifelineStart', (kept) => {
          if (kept.received + 1 !== position) throw new Error(`LIFELINE_COUNT frame ${position} started out of turn (received ${kept.received})`)
          kept.received++
          if (running) kept.running.add(position)
          refresh(kept)
        })
      },
      finish: async (position) => {
        await owned('lifelineFinish', (kept) => {
          kept.running.delete(position)
        })
      },
      push: async (frame, finishes) => {
        await owned('lifelinePush', (kept) => {
          kept.frames.push(frame)
          kept.sent++
          if (finishes !== undefined) kept.running.delete(finishes)
          refresh(kept)
        })
      },
      acknowledge: async (count) => {
        await owned('lifelineAck', (kept) => {
          const upTo = Math.min(count, kept.sent)
          if (upTo > kept.base) {
            kept.frames.splice(0, upTo - kept.base)
            kept.base = upTo
          }
        })
      },
      restart: async () => {
        await owned('lifelineRestart', (kept) => {
          kept.frames = []
          kept.sent = 0
          kept.base = 0
        })
      },
      release: (expires) =>
        connection.command('lifelineRelease', () => {
          this.commands++
          const kept = this.live(state.id)
          // Fenced: once another process took it, this hand-over must not undo that.
          if (!kept || kept.owner !== owner) return false
          kept.owner = ''
          kept.expiresAt = this.scheduler.now + Math.max(0, expires - this.nowEpoch())
          return true
        }),
      end: async (forget) => {
        if (!forget) return
        await connection.command('lifelineEnd', () => {
          this.commands++
          const kept = this.live(state.id)
          if (kept && kept.owner === owner) this.kept.delete(state.id)
        })
      },
      owned: () =>
        connection.command('lifelineOwned', () => {
          this.commands++
          return this.live(state.id)?.owner === owner
        }),
    }
    return journal
  }
}

const keptFrom = (state: SessionState, owner: string, ttl: number, now: number): Kept => {
  const kept: Kept = {
    received: state.received,
    sent: state.sent,
    base: state.sent - state.frames.length,
    owner,
    ttl,
    frames: [...state.frames],
    running: new Set(state.running ?? []),
    expiresAt: now + ttl,
  }
  if (state.marks) kept.marks = state.marks
  return kept
}

const stateOf = (id: string, kept: Kept, nowEpoch: number, now: number): SessionState => {
  const state: { -readonly [K in keyof SessionState]: SessionState[K] } = {
    id,
    received: kept.received,
    sent: kept.sent,
    frames: [...kept.frames],
    expires: nowEpoch + (kept.expiresAt - now),
  }
  if (kept.marks) state.marks = kept.marks
  if (kept.running.size) state.running = [...kept.running].sort((a, b) => a - b)
  return state
}

/**
 * One process's connection to the simulated Redis: commands travel in order, each applied when it
 * arrives (or when Redis thaws), and the reply travels back in order. The reply is an event of the
 * process: a process that crashed meanwhile never gets it, whether or not the command was applied.
 */
class RedisConnection {
  private lastThere = 0
  /** Replies on their way back in one read (Redis answers a pipeline in one TCP chunk): resolved in one event. */
  private batch: { replies: (() => void)[]; at: number } | undefined

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly latency: [number, number],
    private readonly owner: string,
    private readonly arrive: (run: () => void) => void,
  ) {}

  command<T>(name: string, apply: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const [low, high] = this.latency
      const there = Math.max(this.scheduler.now + this.random.int(low, high), this.lastThere)
      this.lastThere = there
      this.scheduler.at(there - this.scheduler.now, 'redis', 'redis', () => {
        this.arrive(() => {
          let outcome: { ok: true; value: T } | { ok: false; error: unknown }
          try {
            outcome = { ok: true, value: apply() }
          } catch (error) {
            outcome = { ok: false, error }
          }
          this.reply(name, () => {
            if (outcome.ok) resolve(outcome.value)
            else reject(outcome.error)
          })
        })
      }, `${this.owner} ${name}`)
    })
  }

  /**
   * Sends a reply back, in order. Often it joins the replies already on their way (one read on the
   * process's side resolves them all in one turn), so promise jobs of several replies interleave as
   * they do over a real connection.
   */
  private reply(name: string, deliver: () => void) {
    if (this.batch && this.random.chance(0.6)) {
      this.batch.replies.push(deliver)
      return
    }
    const [low, high] = this.latency
    const at = Math.max(this.scheduler.now + this.random.int(low, high), this.batch?.at ?? 0)
    const batch = { replies: [deliver], at }
    this.batch = batch
    this.scheduler.at(at - this.scheduler.now, this.owner, 'redis.reply', () => {
      if (this.batch === batch) this.batch = undefined
      for (const one of batch.replies) one()
    }, name)
  }
}
