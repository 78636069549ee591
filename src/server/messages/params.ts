/** A plain object (not null, not an array): what params and stored state must be before their members are read. @internal */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value)
