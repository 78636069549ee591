/**
 * Finding and reading the config file: `--config <file>`, else `lifeline.config.mjs` or
 * `lifeline.config.json` in the working directory. A `.mjs` file's default export (or a function
 * returning it, possibly async) is the config; JSON is parsed. Either way it is then checked.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError, validateConfig, type GatewayConfig } from './config'

/** The file names looked for, in order, when no --config is given. */
export const configFiles = ['lifeline.config.mjs', 'lifeline.config.json'] as const

/** The config file's path: `given` (resolved against `cwd`), or the first of {@link configFiles} that exists. */
export function findConfig(cwd: string, given: string | undefined): string {
  if (given !== undefined) {
    const path = resolve(cwd, given)
    if (!existsSync(path)) throw new ConfigError('--config', `no file at ${path}`)
    return path
  }
  const found = configFiles.map((name) => resolve(cwd, name)).find((path) => existsSync(path))
  if (!found) throw new ConfigError('config', `no ${configFiles.join(' or ')} in ${cwd} (or pass --config <file>)`)
  return found
}

/** Read and check the config at `path`. */
export async function loadConfig(path: string): Promise<GatewayConfig> {
  let raw: unknown
  if (/\.[mc]?js$/.test(path)) {
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown }
    raw = typeof module.default == 'function' ? await (module.default as () => unknown)() : module.default
    if (raw === undefined) throw new ConfigError('config', `${path} has no default export`)
  } else {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new ConfigError('config', `${path} is not valid JSON (${(err as Error).message})`)
    }
  }
  return validateConfig(raw)
}
