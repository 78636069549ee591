// The chat: a badge (useConnectionState), the history (useCall) followed by
// live messages (useTopic with a reducer), the latest message (useTopic again,
// sharing the subscription), a composer (client.call), and the server's clock
// (useCall with refetch).
import { useState } from 'react'
import { useCall, useConnectionState, useLifeline, useTopic } from 'lifeline-ws/react'

const keepLast = (list, message, meta) => [...list, { seq: meta.seq, ...message }].slice(-50)

export function App() {
  return (
    <main>
      <header>
        <h1>Chat</h1>
        <Badge />
        <Clock />
        <Latest />
      </header>
      <Messages />
      <Composer />
    </main>
  )
}

function Badge() {
  const state = useConnectionState()
  return <span id="state" className={`badge ${state}`}>{state}</span>
}

function Clock() {
  const { data, loading, refetch } = useCall('time', undefined)
  return (
    <button id="clock" type="button" onClick={refetch} title="call('time') again">
      {loading || data === undefined ? '…' : new Date(data).toLocaleTimeString()}
    </button>
  )
}

// A second component on the chat topic: both share one server subscription.
function Latest() {
  const { data, seq } = useTopic('chat')
  return <small id="latest">{data ? `#${seq} from ${data.from}` : 'no new message'}</small>
}

function Messages() {
  const history = useCall('chat.history', undefined)
  const live = useTopic('chat', { initial: [], reducer: keepLast })
  // History first, then live messages it does not already hold (seq is the topic's order).
  const seen = history.data?.at(-1)?.seq ?? -1
  const messages = [...(history.data ?? []), ...live.data.filter((message) => message.seq > seen)]
  return (
    <>
      {history.error ? <p className="error">history: {String(history.error.message ?? history.error)}</p> : null}
      <ul id="messages" data-status={live.status}>
        {messages.map((message) => (
          <li key={message.seq}><b>{message.from}</b>{message.text}</li>
        ))}
      </ul>
    </>
  )
}

function Composer() {
  const client = useLifeline()
  const [from, setFrom] = useState('guest')
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const send = async (event) => {
    event.preventDefault()
    try {
      await client.call('chat.send', { from, text })
      setText('')
      setError('')
    } catch (err) {
      setError(err.message)
    }
  }
  return (
    <form id="composer" onSubmit={send}>
      <input name="from" value={from} onChange={(event) => setFrom(event.target.value)} aria-label="name" size="8" />
      <input name="text" value={text} onChange={(event) => setText(event.target.value)} aria-label="message" placeholder="Say something" />
      <button>Send</button>
      {error ? <span className="error">{error}</span> : null}
    </form>
  )
}
