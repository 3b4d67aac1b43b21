import { z } from 'zod'

/** The settings that say how many nightly backups are kept: fewer kept deletes the older archives for good. */
export const BACKUP_KEEP_FIELDS = ['backup_keep_daily', 'backup_keep_weekly', 'backup_keep_monthly'] as const

/** One of BACKUP_KEEP_FIELDS. */
export type BackupKeepField = (typeof BACKUP_KEEP_FIELDS)[number]

/** A count of backups kept, as settings.update takes it: a whole number from min to max (the database's own range). */
export function backupKeep(min: number, max: number, byDefault: number, what: string) {
  const range = `expected a whole number from ${min} to ${max}`
  return z
    .number({ error: range })
    .int({ error: range })
    .min(min, { error: range })
    .max(max, { error: range })
    .optional()
    .describe(`How many ${what}, ${min} to ${max} (default ${byDefault})`)
}

/** What the owner's review card warns of for each count of backups a call lowers: the archives the next backup deletes. */
export function fewerBackupsWarnings(now: Record<BackupKeepField, number>, given: Record<string, unknown>): string[] {
  const words: Record<BackupKeepField, string> = {
    backup_keep_daily: 'daily',
    backup_keep_weekly: 'weekly',
    backup_keep_monthly: 'monthly',
  }
  return BACKUP_KEEP_FIELDS.flatMap((field) => {
    const next = given[field]
    if (typeof next !== 'number' || next >= now[field]) return []
    return [
      `Keeps ${next} ${words[field]} backup${next === 1 ? '' : 's'} instead of ${now[field]}: the next backup deletes the older ones for good.`,
    ]
  })
}
