// Shared by the two hostile-frame fuzz tests (JSON and MessagePack): one generated run on a socket of its
// own, and the close codes the server may end such a socket with (docs/server.md).
import { expect } from 'vitest'
import WebSocket from 'ws'

/** A frame a hostile socket writes: text, or bytes. */
export type HostileFrame = { text: string } | { binary: Uint8Array }

/** The close codes documented for a socket that breaks the protocol or a limit. */
export const DOCUMENTED_CLOSES = new Set([1002, 1007, 1008, 1009])

/**
 * Opens a socket (offering `protocols`), writes `frames` while it stays open, then asks `probe` whether
 * the server still answers it ('pong') or closed it (its code, which must be a documented one); the
 * socket is terminated either way.
 */
export async function hostileRun(
  address: string,
  protocols: string[],
  frames: readonly HostileFrame[],
  probe: (socket: WebSocket) => Promise<'pong' | number>,
): Promise<'pong' | number> {
  const hostile = new WebSocket(address, protocols, { maxPayload: 64 * 1024 * 1024 })
  hostile.on('error', () => {})
  await new Promise((resolve) => hostile.once('open', resolve))
  for (const sent of frames) {
    if (hostile.readyState !== WebSocket.OPEN) break
    if ('text' in sent) hostile.send(sent.text)
    else hostile.send(sent.binary, { binary: true })
  }
  const outcome = await probe(hostile)
  if (outcome !== 'pong') expect(DOCUMENTED_CLOSES).toContain(outcome)
  hostile.terminate()
  return outcome
}
