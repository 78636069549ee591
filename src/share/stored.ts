/**
 * What a leader tab keeps in storage for the next leader (docs/sharing.md):
 * the last frame taken from each tab and the shared session's id. Storage is input
 * like any other (another script on the origin can write it): what does
 * not check out is ignored.
 * @module
 */
import { isCount } from '../checks'
import type { TakenStore } from './hub'

/** Where the last frame taken from each tab is kept: storage when there is some, else this leader's memory. @internal */
export const takenIn = (storage: Storage | undefined, key: string): TakenStore => ({
  load() {
    const lastTaken: Record<string, number> = Object.create(null) as Record<string, number>
    try {
      const stored = JSON.parse(storage?.getItem(key) ?? '{}') as Record<string, unknown>
      for (const [tab, seq] of Object.entries(stored)) {
        if (isCount(seq)) lastTaken[tab] = seq
      }
    } catch {
      // Corrupt or unreadable: start over. Frames sent again are then taken again (docs/sharing.md).
    }
    return lastTaken
  },
  save(lastTaken) {
    try {
      storage?.setItem(key, JSON.stringify(lastTaken))
    } catch {
      // Full or blocked storage: they live in this leader's memory only.
    }
  },
})

/** The shared session's id, so that a new leader resumes it even with an empty outbox. @internal */
export const sessionIn = (storage: Storage | undefined, key: string) => ({
  load(): string | undefined {
    try {
      return storage?.getItem(key) ?? undefined
    } catch {
      // Blocked storage: the new leader starts a session of its own (docs/sharing.md).
      return undefined
    }
  },
  save(id: string) {
    try {
      storage?.setItem(key, id)
    } catch {
      // Full or blocked storage: as above.
    }
  },
})
