import { loadConfig, type Config } from '../../core/kernel/config.js'
import { backupFolderItem } from './backup-folder.js'
import { clockItem, databaseItem } from './database-checks.js'
import { diskItems, type StatFs } from './disk.js'
import { type CheckItem, fail } from './item.js'
import { backupCopiesItem } from './backup-copies.js'
import { backupAgeItem, backupKeyItem, encryptionKeyItem, type KeysInUse } from './keys.js'
import { proxyItem } from './proxy-trust.js'
import { publicUrlItem, readPublicUrl } from './public-url.js'
import { opensSecrets, serverItem } from './server-check.js'
import { askServer, readDatabase, serverUrlOf } from './sources.js'
import { webhookItems } from './webhooks.js'

/** What a run of the doctor reads: the environment the server's configuration comes from, and where the server listens. */
export interface DoctorOptions {
  env: NodeJS.ProcessEnv
  /** The running server's own address (--url); else CRM_SERVER_URL, else HOST:PORT. */
  serverUrl?: string
  /** How long each request and read may take. */
  timeoutMs?: number
  /** The disk reader, for a test to stand in for a nearly full disk. */
  statfs?: StatFs
}

/** Runs every check against the running deployment; never throws: what cannot be checked is an item that says why. */
export async function runDoctor(options: DoctorOptions): Promise<CheckItem[]> {
  let config: Config
  try {
    config = loadConfig(options.env)
  } catch (err) {
    return [
      fail(
        'configuration',
        (err as Error).message,
        'Fix the variable it names (docs/configuration.md); the server refuses to start with it too.',
      ),
    ]
  }
  const timeoutMs = options.timeoutMs ?? 5_000
  const server = await askServer(serverUrlOf(config, options.env, options.serverUrl), config, timeoutMs)
  const [database, publicUrl] = await Promise.all([readDatabase(config, server, timeoutMs), readPublicUrl(config, timeoutMs)])
  // Whether anything listens on the server's own address: when nothing does, starting it is the fix, whatever else fails.
  const listens = server.ok || server.answered
  const [proxy, webhooks, disks] = await Promise.all([
    proxyItem(config, server, publicUrl, timeoutMs),
    guarded('webhooks', () => webhookItems(config, options.env, timeoutMs, listens)),
    diskItems(config, options.statfs),
  ])
  const keys: KeysInUse = server.ok
    ? { encryption: server.facts.settings.encryption_key, backup: server.facts.settings.backup_key, source: 'the server' }
    : { encryption: opensSecrets(options.env), backup: config.backup.key !== null, source: 'this environment' }
  return [
    serverItem(config, options.env, server),
    publicUrlItem(config, publicUrl, new Date(), listens),
    proxy,
    ...webhooks,
    ...(await guarded('encryption_key', async () => [encryptionKeyItem(options.env, keys, database)])),
    backupKeyItem(config, keys),
    backupAgeItem(keys, database),
    backupCopiesItem(config),
    backupFolderItem(database),
    clockItem(database, publicUrl),
    ...disks,
    databaseItem(config, database),
  ]
}

/** Items from fn, or one failing item when a variable it reads is malformed (the server refuses to start with it too). */
async function guarded(check: string, fn: () => Promise<CheckItem[]>): Promise<CheckItem[]> {
  try {
    return await fn()
  } catch (err) {
    return [fail(check, (err as Error).message, 'Fix the variable it names (docs/configuration.md).')]
  }
}
