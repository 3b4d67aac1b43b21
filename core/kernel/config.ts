import { resolve } from 'node:path'
import { PERSON_NAME_MAX } from '../vocabulary/person-name.js'
import { parseKey } from './secret-box.js'
import { DEFAULT_DATABASE_LIMITS, DEFAULT_POOL_SIZE, type DatabaseLimits } from '../db/limits.js'
import { DEFAULT_ROLE_PREFIX, ROLE_PREFIX } from '../db/roles.js'

/** Everything the product reads from the environment, in one place (docs/configuration.md's table mirrors it). */
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
  /** Resend API key; without one emails are kept in the outbox instead of sent. */
  resendApiKey?: string
  /** Another address for Resend's API (a local fake in tests). */
  resendBaseUrl?: string
  /** The signing secret ("whsec_...") of Resend's webhooks; without one POST /api/webhooks/resend is off. */
  resendWebhookSecret?: string
  /** Whether the server runs the delivery worker itself (CRM_WORKER=off when it runs as its own process). */
  workerInServer: boolean
  /** Time limits on a PostgreSQL server's connections and statements. */
  databaseLimits: DatabaseLimits
  /** Connections this process opens to a PostgreSQL server (or to the pooler in front of it) at most. */
  databasePoolSize: number
  /** Whether statements are prepared by name on a server's connections (CRM_DB_PREPARED_STATEMENTS; on by default). */
  databasePreparedStatements: boolean
  /** Whether the embedded engine's hot code is also compiled optimized (CRM_EMBEDDED_OPTIMIZE; off: about 50 MB less memory, writes about a tenth slower). */
  embeddedOptimizedCode: boolean
  /** The start of this installation's role names on a PostgreSQL server (CRM_DB_ROLE_PREFIX; `crm`: crm_app, crm_sign_in, crm_worker). */
  databaseRolePrefix: string
  /** How long GET /readyz waits for the database before answering that it is unavailable. */
  readyTimeoutMs: number
  /** Emails handed to Resend per second by every process on this database together (Resend's default limit is 2 per second). */
  resendMaxPerSecond: number
  /**
   * Which proxies in front of the server are believed about the client's address (X-Forwarded-For), as express's
   * `trust proxy` setting: false (none: the default), true (any), a hop count, or addresses and subnets.
   */
  trustProxy: boolean | number | string
  /** Where document bytes are kept and how large one may be. */
  documents: DocumentSettings
  /** NODE_ENV=production: a deployment serving a real business (deploy/env.example sets it), not a try-out. */
  production: boolean
  /** Whether each answer is checked against its operation's declared schema (CRM_CHECK_OUTPUT; on unless NODE_ENV is production). */
  checkOutput: boolean
  /** Where sealed backups go and the key that seals them. */
  backup: BackupSettings
  /** The bearer token that opens /metrics and the doctor's facts from anywhere (without it: only a direct loopback connection). */
  metricsToken?: string
  /** CRM_DEMO=1: the first business made on an empty database is the demo company, filled with its records. */
  demo: boolean
  /** The business made on first start: CRM_BUSINESS_NAME, CRM_OWNER_EMAIL, CRM_OWNER_NAME and CRM_TIMEZONE, when set. */
  firstBusiness: { name?: string; ownerEmail?: string; ownerName?: string; timezone?: string }
  /** Whether PUBLIC_BASE_URL was set (else links point where the server listens). */
  publicBaseUrlSet: boolean
  /** Host names besides loopback and the public address that /mcp answers to (MCP_ALLOWED_HOSTS, comma-separated). */
  mcpAllowedHosts: string[]
  /**
   * The environment this configuration was read from, for the integration clients that read their own variables from it
   * (the payments client, the language model, CRM_ENCRYPTION_KEY, and each capability's own parser: core/kernel/plug-in.ts) and
   * the doctor's webhook report.
   */
  environment: Readonly<NodeJS.ProcessEnv>
}

/** Backups: sealed with CRM_BACKUP_KEY (none made without it), written to CRM_BACKUP_DIR and, when set, to an S3-compatible bucket. */
export interface BackupSettings {
  /** The 32-byte key archives are sealed with; null: backups are off. */
  key: Buffer | null
  /** The folder archives are written to (./backups by default, beside the data folder, never inside it). */
  dir: string
  /** A bucket archives are copied to, under `prefix`. */
  s3?: S3Settings & { prefix: string }
}

/** Where document bytes are kept: chosen by CRM_DOCUMENT_STORE, else S3 when a bucket is set, else by the database engine. */
export interface DocumentSettings {
  /** files: the data folder (embedded engine); database: a table of the PostgreSQL server; s3: an S3-compatible store. */
  store?: 'files' | 'database' | 's3'
  /** Largest file accepted, in bytes. */
  maxBytes: number
  s3?: S3Settings
}

/** An S3-compatible bucket reached with AWS Signature V4. */
export interface S3Settings {
  /** e.g. https://s3.us-east-1.amazonaws.com or http://127.0.0.1:9000; objects are addressed path-style under it. */
  endpoint: string
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
}

/** Reads the configuration from environment variables, with defaults that run on a new machine. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`)
  const host = env.HOST ?? '127.0.0.1'
  const level = (env.LOG_LEVEL ?? 'info') as Config['logLevel']
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level))
    throw new Error(`LOG_LEVEL must be debug, info, warn, error or silent, got ${level}`)
  const statementTimeoutMs = millis(env, 'CRM_DB_STATEMENT_TIMEOUT_MS', DEFAULT_DATABASE_LIMITS.statementTimeoutMs)
  const production = env.NODE_ENV === 'production'
  return {
    port,
    host,
    dataDir: resolve(env.CRM_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`).replace(/\/$/, ''),
    logLevel: level,
    bodyLimitBytes: Number(env.BODY_LIMIT_BYTES ?? 256 * 1024),
    emailFrom: env.EMAIL_FROM ?? 'Service CRM <no-reply@localhost>',
    resendApiKey: env.RESEND_API_KEY || undefined,
    resendBaseUrl: env.RESEND_BASE_URL || undefined,
    resendWebhookSecret: env.RESEND_WEBHOOK_SECRET || undefined,
    workerInServer: onOff(env.CRM_WORKER, 'CRM_WORKER', true),
    databaseLimits: {
      connectTimeoutMs: millis(env, 'CRM_DB_CONNECT_TIMEOUT_MS', DEFAULT_DATABASE_LIMITS.connectTimeoutMs),
      statementTimeoutMs: millis(env, 'CRM_DB_STATEMENT_TIMEOUT_MS', statementTimeoutMs),
      // The client waits a little longer than the server, so a slow statement is cancelled by the server and reported as such.
      queryTimeoutMs: millis(env, 'CRM_DB_QUERY_TIMEOUT_MS', statementTimeoutMs ? statementTimeoutMs + 5_000 : 0),
      idleInTransactionTimeoutMs: millis(env, 'CRM_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', DEFAULT_DATABASE_LIMITS.idleInTransactionTimeoutMs),
    },
    databasePoolSize: wholeAbove0(env, 'CRM_DB_POOL_SIZE', DEFAULT_POOL_SIZE),
    databasePreparedStatements: onOff(env.CRM_DB_PREPARED_STATEMENTS, 'CRM_DB_PREPARED_STATEMENTS', true),
    embeddedOptimizedCode: onOff(env.CRM_EMBEDDED_OPTIMIZE, 'CRM_EMBEDDED_OPTIMIZE', false),
    databaseRolePrefix: rolePrefix(env.CRM_DB_ROLE_PREFIX),
    readyTimeoutMs: millis(env, 'CRM_READY_TIMEOUT_MS', 2_000),
    resendMaxPerSecond: positive(env, 'RESEND_MAX_PER_SECOND', 2),
    trustProxy: trustProxy(env.TRUST_PROXY),
    documents: documentSettings(env),
    production,
    checkOutput: onOff(env.CRM_CHECK_OUTPUT, 'CRM_CHECK_OUTPUT', !production),
    backup: backupSettings(env),
    metricsToken: env.CRM_METRICS_TOKEN?.trim() || undefined,
    demo: env.CRM_DEMO === '1',
    firstBusiness: {
      name: env.CRM_BUSINESS_NAME || undefined,
      ownerEmail: env.CRM_OWNER_EMAIL || undefined,
      ownerName: ownerName(env.CRM_OWNER_NAME),
      timezone: env.CRM_TIMEZONE || undefined,
    },
    publicBaseUrlSet: Boolean(env.PUBLIC_BASE_URL),
    mcpAllowedHosts: (env.MCP_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    environment: Object.freeze({ ...env }),
  }
}

/** The log level before a configuration is loaded: LOG_LEVEL when it names one, else info (loadConfig refuses a wrong one). */
export function startingLogLevel(env: NodeJS.ProcessEnv = process.env): Config['logLevel'] {
  const level = env.LOG_LEVEL as Config['logLevel'] | undefined
  return level && ['debug', 'info', 'warn', 'error', 'silent'].includes(level) ? level : 'info'
}

/** What `crm mcp` relays with: the agent token (CRM_AGENT_TOKEN) and the running server's address (CRM_SERVER_URL). */
export function relaySettings(env: NodeJS.ProcessEnv = process.env): { agentToken?: string; serverUrl?: string } {
  return { agentToken: env.CRM_AGENT_TOKEN?.trim() || undefined, serverUrl: env.CRM_SERVER_URL || undefined }
}

/** The whole process environment, for the doctor alone: it reports on a configuration that may not load at all. */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env
}

/** The backup settings; a bucket without its endpoint or keys, or a key that is not 32 bytes, stops start-up naming what is wrong. */
function backupSettings(env: NodeJS.ProcessEnv): BackupSettings {
  const keyText = env.CRM_BACKUP_KEY?.trim()
  const settings: BackupSettings = {
    key: keyText ? parseKey('CRM_BACKUP_KEY', keyText) : null,
    dir: resolve(env.CRM_BACKUP_DIR || './backups'),
  }
  if (!env.CRM_BACKUP_S3_BUCKET) return settings
  const missing = ['CRM_BACKUP_S3_ENDPOINT', 'CRM_BACKUP_S3_ACCESS_KEY_ID', 'CRM_BACKUP_S3_SECRET_ACCESS_KEY'].filter((k) => !env[k])
  if (missing.length) throw new Error(`CRM_BACKUP_S3_BUCKET is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not`)
  settings.s3 = {
    endpoint: (env.CRM_BACKUP_S3_ENDPOINT as string).replace(/\/$/, ''),
    bucket: env.CRM_BACKUP_S3_BUCKET,
    region: env.CRM_BACKUP_S3_REGION || 'us-east-1',
    accessKeyId: env.CRM_BACKUP_S3_ACCESS_KEY_ID as string,
    secretAccessKey: env.CRM_BACKUP_S3_SECRET_ACCESS_KEY as string,
    prefix: (env.CRM_BACKUP_S3_PREFIX ?? 'service-crm/').replace(/^\//, ''),
  }
  return settings
}

/** The document store's settings; an S3 bucket without its endpoint or keys stops start-up, naming what is missing. */
function documentSettings(env: NodeJS.ProcessEnv): DocumentSettings {
  const store = env.CRM_DOCUMENT_STORE || undefined
  if (store && !['files', 'database', 's3'].includes(store))
    throw new Error(`CRM_DOCUMENT_STORE must be files, database or s3, got ${store}`)
  const maxBytes = positive(env, 'CRM_DOCUMENT_MAX_BYTES', 10 * 1024 * 1024)
  if (!env.CRM_S3_BUCKET) {
    if (store === 's3')
      throw new Error('CRM_DOCUMENT_STORE=s3 needs CRM_S3_BUCKET, CRM_S3_ENDPOINT, CRM_S3_ACCESS_KEY_ID and CRM_S3_SECRET_ACCESS_KEY')
    return { store: store as DocumentSettings['store'], maxBytes: Math.floor(maxBytes) }
  }
  const missing = ['CRM_S3_ENDPOINT', 'CRM_S3_ACCESS_KEY_ID', 'CRM_S3_SECRET_ACCESS_KEY'].filter((k) => !env[k])
  if (missing.length) throw new Error(`CRM_S3_BUCKET is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not`)
  return {
    store: (store as DocumentSettings['store']) ?? 's3',
    maxBytes: Math.floor(maxBytes),
    s3: {
      endpoint: (env.CRM_S3_ENDPOINT as string).replace(/\/$/, ''),
      bucket: env.CRM_S3_BUCKET,
      region: env.CRM_S3_REGION || 'us-east-1',
      accessKeyId: env.CRM_S3_ACCESS_KEY_ID as string,
      secretAccessKey: env.CRM_S3_SECRET_ACCESS_KEY as string,
    },
  }
}

/** CRM_OWNER_NAME, trimmed; unset or empty gives none, and a name of spaces or one too long for the team page stops start-up. */
function ownerName(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined
  const name = value.trim()
  if (!name) throw new Error("CRM_OWNER_NAME is only spaces: give the owner's name, such as Dana Reyes, or leave it unset")
  if (name.length > PERSON_NAME_MAX)
    throw new Error(`CRM_OWNER_NAME is ${name.length} characters long; a name is at most ${PERSON_NAME_MAX}`)
  return name
}

/** TRUST_PROXY as express takes it: unset trusts no proxy, so a client cannot name its own address. */
function trustProxy(value: string | undefined): boolean | number | string {
  const v = value?.trim() ?? ''
  if (v === '' || v === 'false') return false
  if (v === 'true') return true
  if (/^\d+$/.test(v)) return Number(v)
  return v
}

function onOff(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  if (['on', '1', 'true'].includes(value)) return true
  if (['off', '0', 'false'].includes(value)) return false
  throw new Error(`${name} must be on or off, got ${value}`)
}

function millis(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of milliseconds (0 for no limit), got ${value}`)
  return n
}

function wholeAbove0(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new Error(`${name} must be a whole number above 0, got ${value}`)
  return Number(value)
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number above 0, got ${value}`)
  return n
}

/** CRM_DB_ROLE_PREFIX: `crm` when unset; anything but a short lower-case SQL name stops start-up naming the variable. */
function rolePrefix(raw: string | undefined): string {
  if (raw === undefined || raw === '') return DEFAULT_ROLE_PREFIX
  if (!ROLE_PREFIX.test(raw))
    throw new Error(
      `CRM_DB_ROLE_PREFIX must be a lower-case name of letters, digits and _ (starting with a letter, at most 41), got ${raw}`,
    )
  return raw
}
