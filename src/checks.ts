/**
 * Checks of values that come from outside (frames, tab messages, storage,
 * config), in one place for every layer that reads them: client, sharing
 * tabs, server and gateway. They run in every build.
 * @module
 */

/** A plain object (not null, not an array): what params and stored state must be before their members are read. @internal */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value)

/** A whole number from 0 to 2^53 - 1: a count, a position, a frame's number. @internal */
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0
