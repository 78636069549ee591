/**
 * The parent's handle on the server child process: start, SIGKILL, graceful restart, memory,
 * and the IPC records (notes received, publishes) that the history check reads.
 */
import { fork, type ChildProcess } from 'node:child_process'

export interface NoteRecord {
  client: number
  n: number
  session: string
  at: number
  /** Which child process (1, 2, ...) received it. */
  life: number
}

/** One publish of the chaos server: how long it took to settle, and how (with Redis it is a promise). */
export interface PublishRecord {
  at: number
  ms: number
  /** The rejection's message; undefined when it was published. */
  error?: string | undefined
}

export interface ServerChild {
  readonly port: number
  readonly notes: NoteRecord[]
  /** Latest seq published per topic, by the current process. */
  readonly published: Map<string, number>
  /** Every publish's outcome, as it settled. */
  readonly publishes: PublishRecord[]
  readonly errors: string[]
  /** Times of SIGKILLs (ms since the epoch). */
  readonly kills: number[]
  kill(): void
  /** Start a new process (after a kill): a new port, empty history and sessions. */
  respawn(): Promise<number>
  restart(): Promise<void>
  memory(): Promise<{ heapUsed: number; rss: number; connections: number; pendingPublishes: number }>
  stop(): Promise<void>
}

type Message = { type: string; [key: string]: unknown }

export async function startServerChild(script: string, env: Record<string, string> = {}): Promise<ServerChild> {
  const notes: NoteRecord[] = []
  const published = new Map<string, number>()
  const publishes: PublishRecord[] = []
  const errors: string[] = []
  const kills: number[] = []
  let life = 0
  let child: ChildProcess
  let port = 0
  const waiters = new Map<string, ((message: Message) => void)[]>()
  const waitFor = (type: string) =>
    new Promise<Message>((resolve) => {
      const list = waiters.get(type) ?? []
      list.push(resolve)
      waiters.set(type, list)
    })

  const spawn = async () => {
    life++
    const current = life
    child = fork(script, [], { execArgv: ['--expose-gc'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    child.on('message', (message: Message) => {
      if (message.type === 'note') notes.push({ client: message.client as number, n: message.n as number, session: message.session as string, at: Date.now(), life: current })
      else if (message.type === 'publish') {
        if (message.seq !== undefined) published.set(message.topic as string, message.seq as number)
        publishes.push({ at: Date.now(), ms: message.ms as number, error: message.error as string | undefined })
      }
      else if (message.type === 'error') errors.push(message.message as string)
      const list = waiters.get(message.type)
      if (list?.length) list.shift()!(message)
    })
    const ready = await waitFor('ready')
    port = ready.port as number
    return port
  }
  await spawn()

  return {
    get port() {
      return port
    },
    notes,
    published,
    publishes,
    errors,
    kills,
    kill() {
      kills.push(Date.now())
      child.kill('SIGKILL')
    },
    async respawn() {
      published.clear()
      return spawn()
    },
    async restart() {
      const restarted = waitFor('restarted')
      child.send({ type: 'restart' })
      await restarted
    },
    async memory() {
      const reply = waitFor('memory')
      child.send({ type: 'memory' })
      const message = await reply
      return {
        heapUsed: message.heapUsed as number,
        rss: message.rss as number,
        connections: message.connections as number,
        pendingPublishes: message.pendingPublishes as number,
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ type: 'stop' })
      await exited
    },
  }
}
