/**
 * WebSocket close reasons are limited to 123 bytes of UTF-8; longer ones
 * make `ws` throw. Shared by the upgrade checks and the connections.
 * @module
 */

/** The longest prefix of `reason` that fits in a close frame. @internal */
export function closeReason(reason: string): string {
  let fitting = reason
  while (Buffer.byteLength(fitting) > 123) fitting = fitting.slice(0, -1)
  return fitting
}
