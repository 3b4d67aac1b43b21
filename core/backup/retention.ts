import { localDate } from '../vocabulary/time.js'

/** How many archives are kept: the newest of each of the last N days, ISO weeks and months. */
export interface Retention {
  daily: number
  weekly: number
  monthly: number
}

/** The owner's default: a week of days, a month of weeks, a year of months. */
export const DEFAULT_RETENTION: Retention = { daily: 7, weekly: 4, monthly: 12 }

/** An archive's file name: the service's or one business's, and when it was made (UTC, to the second). */
export function archiveName(scope: string, reason: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
  return `service-crm-${scope}-${stamp}-${reason.replace(/_/g, '-')}.tar.gz.age`
}

/** The scope, moment and reason an archive's name says, or null for a file that is not one of ours. */
export function parseArchiveName(name: string): { scope: string; at: Date; reason: string } | null {
  const m = /^service-crm-(all|[0-9a-f-]{36})-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-([a-z-]+)\.(?:tar\.gz\.age|crmbackup)$/.exec(
    name,
  )
  if (!m) return null
  return { scope: m[1], at: new Date(`${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}Z`), reason: m[8].replace(/-/g, '_') }
}

/**
 * The names to delete from one scope's nightly archives: kept are the newest of each of the last `daily` days, `weekly`
 * ISO weeks and `monthly` months (days as the business's clock reads them), and always the newest of all. Archives
 * someone asked for (crm backup) or made before migrations or a restore are never deleted by retention. The caller
 * passes only the archives its own database made (made-here.ts), so the newest kept is its own too.
 */
export function archivesToDelete(names: string[], scope: string, keep: Retention, timeZone: string): string[] {
  const ours = names
    .map((name) => ({ name, parsed: parseArchiveName(name) }))
    .filter((a) => a.parsed?.scope === scope && a.parsed.reason === 'nightly')
    .sort((a, b) => (b.parsed as { at: Date }).at.getTime() - (a.parsed as { at: Date }).at.getTime())
  const kept = new Set<string>()
  const bucket = (count: number, key: (day: string) => string) => {
    const seen = new Set<string>()
    for (const a of ours) {
      const k = key(localDate((a.parsed as { at: Date }).at, timeZone))
      if (seen.has(k)) continue
      if (seen.size >= count) break
      seen.add(k)
      kept.add(a.name)
    }
  }
  bucket(keep.daily, (day) => day)
  bucket(keep.weekly, isoWeek)
  bucket(keep.monthly, (day) => day.slice(0, 7))
  if (ours[0]) kept.add(ours[0].name)
  return ours.filter((a) => !kept.has(a.name)).map((a) => a.name)
}

/** The ISO week of a YYYY-MM-DD day, as YYYY-Www (the week's Thursday decides its year). */
function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7))
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1)
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7)
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`
}
