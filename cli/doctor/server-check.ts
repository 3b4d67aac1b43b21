import type { Config } from '../../core/kernel/config.js'
import { settingsOf, type ServerSettings } from '../../core/monitoring/doctor-facts.js'
import { secretBoxFromEnv } from '../../core/kernel/secret-box.js'
import { type CheckItem, fail, ok, warn } from './item.js'
import type { ServerReading } from './sources.js'

/** How each setting reads in a sentence. */
const NAMES: Record<keyof ServerSettings, string> = {
  engine: 'the database engine (DATABASE_URL)',
  public_base_url: 'PUBLIC_BASE_URL',
  trust_proxy: 'TRUST_PROXY',
  encryption_key: 'CRM_ENCRYPTION_KEY',
  backup_key: 'CRM_BACKUP_KEY',
  metrics_token: 'CRM_METRICS_TOKEN',
}

/**
 * server: the running server answers the doctor on its own address, and runs with the settings the doctor read from its
 * environment; where they differ (a service's environment file the shell lacks), the checks that only this shell can make
 * (webhook secrets, disks) may not describe the server, and the item names each difference.
 */
export function serverItem(config: Config, env: NodeJS.ProcessEnv, server: ServerReading): CheckItem {
  if (!server.ok) return fail('server', server.problem, server.fix)
  const theirs = server.facts.settings
  const ours = settingsOf(config, opensSecrets(env), theirs.engine)
  const differ = (Object.keys(NAMES) as Array<keyof ServerSettings>).filter((k) => String(theirs[k]) !== String(ours[k]))
  if (differ.length) {
    const each = differ.map((k) => `${NAMES[k]}: the server has ${shown(theirs[k])}, here ${shown(ours[k])}`)
    return warn(
      'server',
      `the server at ${server.url} runs with other settings than this shell: ${each.join('; ')}`,
      "Run the doctor with the server's own environment (the same .env or service EnvironmentFile), so its checks describe the server.",
    )
  }
  return ok(
    'server',
    `the server at ${server.url} answers, on ${theirs.engine === 'pglite' ? 'the embedded database' : 'PostgreSQL'}, with the settings of this shell`,
  )
}

/** Whether this environment's CRM_ENCRYPTION_KEY opens a secret box (a malformed one does not). */
export function opensSecrets(env: NodeJS.ProcessEnv): boolean {
  try {
    return secretBoxFromEnv(env) !== null
  } catch {
    return false
  }
}

function shown(value: unknown): string {
  if (value === true) return 'it set'
  if (value === false) return 'it unset'
  return String(value)
}
