/**
 * Connections per client address (`maxConnectionsPerAddress`), counted from
 * the upgrade until the socket is gone, on every transport. The address is
 * `clientAddress(request)`; one that throws counts by the TCP peer instead,
 * so a user function cannot open the door.
 * @module
 */
import type { UpgradeRequest } from '../context'

/** The counter the door keeps. @internal */
export interface AddressCounter {
  /**
   * An upgrade arrived: undefined when its address already holds `maxConnectionsPerAddress` (answer
   * 429); otherwise the function that gives its place back, once, when its socket is gone.
   */
  admit(request: UpgradeRequest): (() => void) | undefined
  /** Connections counted now, by address. */
  readonly addresses: ReadonlyMap<string, number>
}

/** @internal */
export function createAddressCounter(options: { maxConnectionsPerAddress: number; clientAddress(request: UpgradeRequest): string }): AddressCounter {
  const addresses = new Map<string, number>()
  return {
    addresses,
    admit(request) {
      let address: string
      try {
        address = String(options.clientAddress(request))
      } catch {
        address = request.socket.remoteAddress ?? ''
      }
      const count = addresses.get(address) ?? 0
      if (count >= options.maxConnectionsPerAddress) return undefined
      addresses.set(address, count + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        const left = (addresses.get(address) ?? 1) - 1
        if (left > 0) addresses.set(address, left)
        else addresses.delete(address)
      }
    },
  }
}
