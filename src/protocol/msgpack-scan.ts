/**
 * A MessagePack frame's structure checked before anything is decoded: one
 * pass over the bytes, no allocation. A decoder allocates a container as soon
 * as it reads its header, so a five-byte header claiming a million elements,
 * nested a thousand deep, would cost gigabytes before the data ran out. The
 * scan refuses such a frame first: every length must fit in the bytes that
 * are left (an element takes at least one byte), nesting stops at `maxDepth`,
 * and the frame must hold exactly one value.
 * @module
 */

/** Bytes after the type byte that a scalar of that type takes (0 for the one-byte ones), by type byte. */
function fixedSize(type: number): number {
  switch (type) {
    case 0xcc: case 0xd0: return 1
    case 0xcd: case 0xd1: return 2
    case 0xca: case 0xce: case 0xd2: return 4
    case 0xcb: case 0xcf: case 0xd3: return 8
    // fixext 1, 2, 4, 8, 16: a type byte, then the data.
    case 0xd4: return 2
    case 0xd5: return 3
    case 0xd6: return 5
    case 0xd7: return 9
    case 0xd8: return 17
    default: return 0
  }
}

/**
 * Throws a `RangeError` naming the problem when `bytes` is not one well-formed MessagePack value whose
 * lengths fit the frame and whose containers nest at most `maxDepth` deep. @internal
 */
export function scanFrame(bytes: Uint8Array, maxDepth: number): void {
  const end = bytes.length
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let pos = 0
  /** Values still to read in each open container; the first entry is the frame's one value. */
  const open: number[] = [1]
  const need = (count: number, what: string) => {
    if (count > end - pos) throw new RangeError(`MessagePack ${what} of ${count} at byte ${pos} is longer than the frame`)
  }
  const read = (size: 1 | 2 | 4) => {
    need(size, 'length field')
    let value = view.getUint8(pos)
    if (size === 2) value = view.getUint16(pos)
    if (size === 4) value = view.getUint32(pos)
    pos += size
    return value
  }
  while (open.length) {
    const last = open.length - 1
    if (open[last] === 0) {
      open.pop()
      continue
    }
    open[last]!--
    need(1, 'value')
    const type = bytes[pos++]!
    let skip = 0
    let children = 0
    if (type <= 0x7f || type >= 0xe0 || type === 0xc0 || type === 0xc2 || type === 0xc3) skip = 0
    else if (type <= 0x8f) children = (type & 0x0f) * 2
    else if (type <= 0x9f) children = type & 0x0f
    else if (type <= 0xbf) skip = type & 0x1f
    else if (type === 0xc4 || type === 0xd9) skip = read(1)
    else if (type === 0xc5 || type === 0xda) skip = read(2)
    else if (type === 0xc6 || type === 0xdb) skip = read(4)
    // ext 8, 16, 32: the length, then a type byte, then the data.
    else if (type === 0xc7) skip = read(1) + 1
    else if (type === 0xc8) skip = read(2) + 1
    else if (type === 0xc9) skip = read(4) + 1
    else if (type === 0xdc) children = read(2)
    else if (type === 0xdd) children = read(4)
    else if (type === 0xde) children = read(2) * 2
    else if (type === 0xdf) children = read(4) * 2
    else if (type === 0xc1) throw new RangeError(`MessagePack type byte 0xc1 (never used) at byte ${pos - 1}`)
    else skip = fixedSize(type)
    need(skip, 'value')
    pos += skip
    if (children) {
      // Every element takes at least one byte: a longer count is a lie told to make the decoder allocate.
      need(children, type <= 0x8f || type >= 0xde ? 'map' : 'array')
      if (open.length > maxDepth) throw new RangeError(`MessagePack nesting deeper than ${maxDepth} at byte ${pos}`)
      open.push(children)
    }
  }
  if (pos !== end) throw new RangeError(`MessagePack frame has ${end - pos} bytes after its value`)
}

/**
 * True when a MessagePack frame is a batch: an array whose first element is an array (a message starts
 * with its type number). Reads two headers and nothing else, so the server can answer a batch of one
 * with a batch without the dialect. @internal
 */
export function isBatchFrame(bytes: Uint8Array): boolean {
  const type = bytes[0]
  let first = 1
  if (type === 0xdc) first = 3
  else if (type === 0xdd) first = 5
  else if (type === undefined || type < 0x90 || type > 0x9f) return false
  const next = bytes[first]
  return next !== undefined && ((next >= 0x90 && next <= 0x9f) || next === 0xdc || next === 0xdd)
}
