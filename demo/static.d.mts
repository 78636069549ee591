// Types for demo/static.mjs, so TypeScript tests can import it.
import type { IncomingMessage, ServerResponse } from 'node:http'

export function staticFiles(mounts: Record<string, string>): (req: IncomingMessage, res: ServerResponse) => Promise<void>
