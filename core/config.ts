import { resolve } from 'node:path'

/** Everything the product reads from the environment, in one place (the README's table mirrors it). */
export interface Config {
  port: number
  host: string
  /** Folder of the embedded database (PGlite) when no DATABASE_URL is given. */
  dataDir: string
  databaseUrl?: string
  /** The address people reach the server at; used in links and to decide Secure cookies. */
  publicBaseUrl: string
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** Largest JSON body accepted on /api, in bytes. */
  bodyLimitBytes: number
  /** Sender address of emails (sign-in links, messages). */
  emailFrom: string
}

/** Reads the configuration from environment variables, with defaults that run on a new machine. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`)
  const host = env.HOST ?? '127.0.0.1'
  const level = (env.LOG_LEVEL ?? 'info') as Config['logLevel']
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) throw new Error(`LOG_LEVEL must be debug, info, warn, error or silent, got ${level}`)
  return {
    port,
    host,
    dataDir: resolve(env.CRM_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`).replace(/\/$/, ''),
    logLevel: level,
    bodyLimitBytes: Number(env.BODY_LIMIT_BYTES ?? 256 * 1024),
    emailFrom: env.EMAIL_FROM ?? 'Service CRM <no-reply@localhost>',
  }
}
