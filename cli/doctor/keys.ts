import { BACKUP_STALE_HOURS } from '../../core/backup/status.js'
import type { Config } from '../../core/kernel/config.js'
import { googleConfigFromEnv } from '../../core/clients/google.js'
import { quickbooksConfigFromEnv } from '../../core/domains/quickbooks/client/quickbooks.js'
import { secretBoxFromEnv } from '../../core/kernel/secret-box.js'
import { type CheckItem, fail, off, ok, warn } from './item.js'
import type { DatabaseReading } from './sources.js'

const MAKE_KEY = 'openssl rand -base64 32'

/** Which keys the deployment has: the running server's own word when it answered, else this environment's. */
export interface KeysInUse {
  encryption: boolean
  backup: boolean
  /** Where that came from, as the items say it. */
  source: 'the server' | 'this environment'
}

/** encryption_key: CRM_ENCRYPTION_KEY is set and well formed; needed once QuickBooks or Google is configured, and before any is connected. */
export function encryptionKeyItem(env: NodeJS.ProcessEnv, keys: KeysInUse, database: DatabaseReading): CheckItem {
  try {
    secretBoxFromEnv(env)
  } catch (err) {
    return fail(
      'encryption_key',
      (err as Error).message,
      `Set CRM_ENCRYPTION_KEY to the key its secrets were sealed with, or a new one: ${MAKE_KEY}.`,
    )
  }
  if (keys.encryption) return ok('encryption_key', `CRM_ENCRYPTION_KEY is set (${keys.source}): stored integration tokens are sealed`)
  const connected = database.ok
    ? database.state.quickbooks.connected +
      database.state.quickbooks.needs_reconnect +
      database.state.google.connected +
      database.state.google.needs_reconnect
    : 0
  if (connected > 0) {
    return fail(
      'encryption_key',
      `CRM_ENCRYPTION_KEY is not set (${keys.source}), yet ${connected} QuickBooks or Google account${connected > 1 ? 's are' : ' is'} connected: their tokens cannot be opened, so nothing syncs`,
      "Set CRM_ENCRYPTION_KEY in the server's environment to the key they were sealed with, and restart it (with a new key, each account must be connected again).",
    )
  }
  const wanting = [quickbooksConfigFromEnv(env) && 'QuickBooks', googleConfigFromEnv(env) && 'Google'].filter(Boolean)
  if (wanting.length) {
    return warn(
      'encryption_key',
      `CRM_ENCRYPTION_KEY is not set (${keys.source}): ${wanting.join(' and ')} ${wanting.length > 1 ? 'are' : 'is'} configured but cannot be connected without it`,
      `Make one (${MAKE_KEY}), set it as CRM_ENCRYPTION_KEY in the server's environment and keep a copy somewhere safe.`,
    )
  }
  return off('encryption_key', `CRM_ENCRYPTION_KEY is not set (${keys.source}); nothing needs it yet (no QuickBooks or Google)`)
}

/** backup_key: CRM_BACKUP_KEY is set; without it no backup is made at all. */
export function backupKeyItem(config: Config, keys: KeysInUse): CheckItem {
  if (keys.backup)
    return ok('backup_key', `CRM_BACKUP_KEY is set (${keys.source}): archives are sealed and written to ${config.backup.dir}`)
  return fail(
    'backup_key',
    `CRM_BACKUP_KEY is not set (${keys.source}): no backup is made at all, so a lost disk loses every record`,
    `Make one (${MAKE_KEY}), set it as CRM_BACKUP_KEY in the server's environment, and keep a copy apart from the backups (an archive cannot be opened without it).`,
  )
}

/** backup_age: the last verified backup of every business is under 26 hours old; none at all, or backups off, fails. */
export function backupAgeItem(keys: KeysInUse, database: DatabaseReading): CheckItem {
  if (!keys.backup)
    return fail('backup_age', 'backups are off (no CRM_BACKUP_KEY), so there is no verified backup', 'Set CRM_BACKUP_KEY (see backup_key).')
  if (!database.ok) return fail('backup_age', `not checked: ${database.problem}`, database.fix)
  const { state } = database
  const b = state.backups
  const runNow = "Run one now with npx crm backup and read what it says; the nightly backup runs at each business's backup time (settings)."
  if (state.businesses === 0)
    return warn('backup_age', 'there is no business yet, so nothing to back up', 'Start the server once: it creates the first business.')
  if (b.without_verified > 0) {
    return fail(
      'backup_age',
      `${b.without_verified} of ${state.businesses} business${state.businesses > 1 ? 'es have' : ' has'} no verified backup${b.last_failed ? `; the last one failed: ${b.last_failed.error ?? 'no reason recorded'}` : ''}`,
      runNow,
    )
  }
  const age = `${(b.oldest_age_hours ?? 0).toFixed(1)} hours old (${b.oldest_verified_at})`
  if ((b.oldest_age_hours ?? 0) > BACKUP_STALE_HOURS) {
    return warn(
      'backup_age',
      `the last verified backup is ${age}, over ${BACKUP_STALE_HOURS} hours: a nightly backup was missed`,
      `Look for the nightly backup in the server's log. ${runNow}`,
    )
  }
  if (b.last_failed) {
    return warn(
      'backup_age',
      `the last verified backup is ${age}, but the latest run failed: ${b.last_failed.error ?? 'no reason recorded'}`,
      `Look at the reason in the server's log. ${runNow}`,
    )
  }
  return ok('backup_age', `the last verified backup is ${age}`)
}
