/**
 * Where sessions wait between two servers: a server that shuts down
 * gracefully saves each of its sessions here, and the server that takes its
 * place (or any server sharing the store) takes a session back when its
 * client resumes it. The built-in store is in memory, so it is shared only
 * by servers of one process (a restart in place, tests); a Redis store
 * implements the same two methods.
 * @module
 */

/**
 * A session as it is kept: plain data (strings and numbers), so a store can serialize it as JSON.
 * Positions are implicit: the buffered `frames` are the server's tracked frames numbered
 * `sent - frames.length + 1` to `sent`.
 */
export interface SessionState {
  /** The session id the client presents to resume. */
  readonly id: string
  /**
   * Tracked frames of the client counted in this session (the next one is `received + 1`): a frame
   * counts when it starts, never when it merely arrived (docs/protocol.md, "Sessions").
   */
  readonly received: number
  /** Tracked frames sent to the client in this session. */
  readonly sent: number
  /** Tracked frames sent and not yet acknowledged by the client, oldest first, as encoded. */
  readonly frames: readonly string[]
  /** When the session expires unless a client resumes it first (ms since the epoch). */
  readonly expires: number
  /**
   * The keyed messages (`once`, docs/protocol.md) that ran in the session: per origin, its latest `n`s,
   * so a message written again after a restart still runs once. Absent in states saved before keys
   * existed. Not journaled: after a crash a keyed message may run again, like any frame the journal had
   * not counted.
   */
  readonly marks?: Readonly<Record<string, readonly number[]>>
  /**
   * Positions (among the `received` counted) that had started and not finished when the state was
   * kept: a hand-over at the `shutdownTimeout` deadline, or a crash with a journal. Whether they ran is
   * unknown; the next handshake reports them (`unknown`, docs/protocol.md). Absent: none.
   */
  readonly running?: readonly number[]
  /**
   * Per server that broadcast (its {@link BroadcastStamp} `origin`), the `n` of the last of its
   * broadcasts the store appended to this session while it waited: a server taking the session skips
   * those when they reach it from another process too. Absent: the store appended none, or does not
   * tell (a store of one process's own).
   */
  readonly appended?: Readonly<Record<string, number>>
}

/**
 * Which broadcast a frame is: the server that made it (`origin`, random per server) and its number
 * there (`n`, from 1, in the order the server broadcast). A broker carries it to the other processes,
 * and a store shared by them records the last one it appended to each session (`SessionState.appended`).
 * Only a custom `Broker` or {@link SessionStore} meets it.
 * @example
 * const store: SessionStore = {
 *   save, take,
 *   broadcast(frame, maxBytes, stamp) {
 *     // append `frame` to each kept session; keep appended[stamp.origin] = stamp.n with it
 *   },
 * }
 */
export interface BroadcastStamp {
  /** The server that broadcast (random per server instance). */
  readonly origin: string
  /** Its number among that server's broadcasts, from 1. */
  readonly n: number
}

/**
 * Keeps sessions between servers. Both methods may return a promise.
 *
 * What must be atomic (for a store shared by several processes): `take` must return a session
 * to one caller only and remove it in the same step (Redis: `GETDEL`, or a Lua script that
 * also checks `expires`), so two servers never resume one session; `save` replaces the whole
 * state in one write (Redis: `SET key value PXAT expires`).
 * @example
 * const sessions = createSessionStore()
 * let server = createServer({ port, sessions: { store: sessions } })
 * await server.close() // each session is acknowledged, saved, and its client told 1012
 * server = createServer({ port, sessions: { store: sessions } }) // clients resume: nothing lost, nothing twice
 */
export interface SessionStore {
  /** Keep a session until `state.expires`, replacing any earlier state of the same id. */
  save(state: SessionState): void | Promise<void>
  /** Remove a session and return it; undefined when it is unknown or expired. */
  take(id: string): SessionState | undefined | Promise<SessionState | undefined>
  /**
   * Write-through (optional): keep the live session `state` (a new one, or one `take` returned) up to
   * date in the store as frames flow, so it survives a crash of its process. Without it, a session is
   * saved only by a graceful `close()`.
   */
  journal?(state: SessionState): SessionJournal
  /**
   * A broadcast (optional): append the tracked frame `frame` to every session the store keeps now,
   * numbered after its frames (`sent + 1`), as if its server had sent it before saving; a session
   * whose frames would pass `maxBytes` is forgotten instead (its client starts a new session, as a
   * live one that overflows). The server that calls `server.broadcast` calls it once, so a session
   * waiting here between two servers misses no broadcast. Calls to `broadcast` and `take` must take
   * effect in the order they are made. Without it, a broadcast reaches only the sessions some
   * server holds, and one waiting in the store misses what was broadcast until its client resumed.
   * A store that several processes share records `stamp` in each session it appends to, and returns
   * the last per origin with the session (`SessionState.appended`), so that the process taking it does
   * not give it again what another process broadcast just before the take.
   */
  broadcast?(frame: string, maxBytes: number, stamp?: BroadcastStamp): void | Promise<void>
}

/**
 * A live session written through to its store (see {@link SessionStore.journal}). Each method is one
 * atomic step in the store, resolved in the order it was called, and rejects when the store is
 * unavailable or another process took the session over (fencing): the server then lets go of it.
 * `redisSessionStore({ url, writeThrough: true })` provides one; write your own only for another store.
 * @example
 * const journal = store.journal?.(state)
 * await journal?.start(state.received + 1, true) // before running the client's next tracked frame
 */
export interface SessionJournal {
  /**
   * Count the client's tracked frame at `position` (always the next one: `received + 1`) as started,
   * before it runs; `running`: it has effects or an answer still to come, so it stays in doubt until
   * {@link SessionJournal.finish} (or the {@link SessionJournal.push} of its answer).
   */
  start(position: number, running: boolean): Promise<void>
  /** The frame at `position` finished without an answer (a notification ran), or its doubt was told. */
  finish(position: number): Promise<void>
  /**
   * Keep one tracked outbound frame (the next position), before it is written to the socket;
   * `finishes`: it is the answer of the client's frame at that position, which finishes in the same step.
   */
  push(frame: string, finishes?: number): Promise<void>
  /** The client acknowledged the outbound frames up to `count`: let go of them. */
  acknowledge(count: number): Promise<void>
  /**
   * A graceful hand-over (`close()`): the session waits in the store until `expires` (ms since the
   * epoch) for any process. Resolves false when this process no longer owns it (its client resumed
   * elsewhere meanwhile, or it expired): there is nothing of its to hand over, and that other owner's
   * claim stands. Without it, the server saves the session's state with {@link SessionStore.save}.
   */
  release?(expires: number): Promise<boolean>
  /** A new page took the session over: drop the outbound frames and count them from 0 again. */
  restart(): Promise<void>
  /**
   * This process stops serving the session. `forget`: it ended for good, so forget it (unless another
   * process owns it now); false: it was handed over, or waits in the store for its client.
   */
  end(forget: boolean): Promise<void>
  /** False once another process took the session over (its client moved there). */
  owned(): Promise<boolean>
}

/**
 * What a {@link SessionJournal} step rejects with when another process took the session over (its
 * client resumed there) or the session expired: the normal end of a session whose client moved, so
 * the server lets it go without reporting it. Any other rejection is reported.
 * @internal
 */
export class SessionTakenError extends Error {
  override readonly name = 'SessionTakenError'
  constructor(
    /** The session's id. */
    readonly session: string,
    options?: ErrorOptions,
  ) {
    super(`lifeline-ws/server: session ${session} was taken over by another process, or expired`, options)
  }
}

/** Options of {@link createSessionStore}. */
export interface SessionStoreOptions {
  /** Time source, for tests. @default Date.now */
  now?: () => number
}

/**
 * The built-in in-memory {@link SessionStore}. Each kept session is forgotten at its `expires`
 * (a timer that does not keep the process alive). Pass one instance to two successive servers
 * in one process to carry sessions across a restart; it does not survive the process.
 * @example
 * const store = createSessionStore()
 * createServer({ port: 8080, sessions: { store } })
 */
export function createSessionStore(options: SessionStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now
  // A kept session: its state (a copy, with frames of its own that broadcasts append to), their bytes, its expiry timer.
  const kept = new Map<string, { state: SessionState & { frames: string[] }; bytes: number; timer: ReturnType<typeof setTimeout> }>()

  const forget = (id: string) => {
    const entry = kept.get(id)
    if (!entry) return
    clearTimeout(entry.timer)
    kept.delete(id)
  }

  return {
    save(state) {
      forget(state.id)
      const timer = setTimeout(() => kept.delete(state.id), Math.max(0, state.expires - now()))
      timer.unref()
      // A copy: the server goes on using its arrays.
      const frames = [...state.frames]
      const copy = { ...state, frames }
      const bytes = frames.reduce((total, frame) => total + byteLength(frame), 0)
      kept.set(state.id, { state: state.running ? { ...copy, running: [...state.running] } : copy, bytes, timer })
    },
    take(id) {
      const entry = kept.get(id)
      forget(id)
      if (!entry || entry.state.expires <= now()) return undefined
      return entry.state
    },
    broadcast(frame, maxBytes) {
      const size = byteLength(frame)
      for (const [id, entry] of kept) {
        if (entry.bytes + size > maxBytes) forget(id)
        else {
          // The next position after the kept frames: as if its server had sent it before saving.
          entry.state.frames.push(frame)
          entry.state = { ...entry.state, sent: entry.state.sent + 1 }
          entry.bytes += size
        }
      }
    },
  }
}

/** Bytes of a frame as sent (UTF-8): what a session counts against `sessions.maxBytes`. @internal */
export const byteLength = (frame: string) => Buffer.byteLength(frame)
