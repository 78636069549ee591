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
  /**
   * The same without a closure per socket (the Node door keeps the address and gives it back itself,
   * once): the address `request` is counted under, or undefined when it is full.
   */
  count(request: UpgradeRequest): string | undefined
  /** Give back a place {@link AddressCounter.count} took, once per count. */
  release(address: string): void
  /** Connections counted now, by address. */
  readonly addresses: ReadonlyMap<string, number>
}

/** @internal */
export function createAddressCounter(options: { maxConnectionsPerAddress: number; clientAddress(request: UpgradeRequest): string }): AddressCounter {
  const addresses = new Map<string, number>()
  const count = (request: UpgradeRequest): string | undefined => {
    let address: string
    try {
      address = String(options.clientAddress(request))
    } catch {
      address = request.socket.remoteAddress ?? ''
    }
    const counted = addresses.get(address) ?? 0
    if (counted >= options.maxConnectionsPerAddress) return undefined
    addresses.set(address, counted + 1)
    return address
  }
  const release = (address: string) => {
    const left = (addresses.get(address) ?? 1) - 1
    if (left > 0) addresses.set(address, left)
    else addresses.delete(address)
  }
  return {
    addresses,
    count,
    release,
    admit(request) {
      const address = count(request)
      if (address === undefined) return undefined
      let released = false
      return () => {
        if (released) return
        released = true
        release(address)
      }
    },
  }
}
