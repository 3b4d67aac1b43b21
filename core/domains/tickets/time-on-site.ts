/** Minutes on site as people say it: "3h22m", "2h", "45m"; null when the visit has no recorded time. */
export function timeOnSite(minutes: number | null | undefined): string | null {
  if (minutes === null || minutes === undefined || !Number.isFinite(Number(minutes))) return null
  const m = Math.max(0, Math.round(Number(minutes)))
  const hours = Math.floor(m / 60)
  const rest = m % 60
  if (!hours) return `${rest}m`
  return rest ? `${hours}h${String(rest).padStart(2, '0')}m` : `${hours}h`
}

/** A ticket's actual time on site (what its close recorded) as two fields: actual_minutes and time_on_site. */
export function actualTime(minutes: number | null | undefined): { actual_minutes: number | null; time_on_site: string | null } {
  const m = minutes === null || minutes === undefined ? null : Number(minutes)
  return { actual_minutes: m, time_on_site: timeOnSite(m) }
}
