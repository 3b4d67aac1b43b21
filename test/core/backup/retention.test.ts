import { describe, expect, it } from 'vitest'
import { archiveName, archivesToDelete, DEFAULT_RETENTION, parseArchiveName } from '../../../core/backup/retention.js'

const BUSINESS = '6f1c2b1e-8d4a-4c3e-9a57-0b2f1d3e4c5a'
const OTHER = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d'
const CHICAGO = 'America/Chicago'

/** One nightly archive a day at 03:00 UTC (21:00 or 22:00 the evening before in Chicago), for `days` days up to `last`. */
function nightly(scope: string, last: string, days: number): string[] {
  const names: string[] = []
  for (let i = 0; i < days; i++) {
    const at = new Date(`${last}T03:00:00Z`)
    at.setUTCDate(at.getUTCDate() - i)
    names.push(archiveName(scope, 'nightly', at))
  }
  return names
}

/** The archive of the given UTC day at 03:00. */
const at3 = (scope: string, day: string) => archiveName(scope, 'nightly', new Date(`${day}T03:00:00Z`))

/** What is kept of one scope's archives: those it has, less those to delete. */
function kept(names: string[], scope: string, keep = DEFAULT_RETENTION, timeZone = CHICAGO): string[] {
  const gone = new Set(archivesToDelete(names, scope, keep, timeZone))
  return names.filter((n) => parseArchiveName(n)?.scope === scope && !gone.has(n)).sort()
}

/** A shuffle with a fixed seed: the order archives are listed in must not matter. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items]
  let seed = 42
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    const j = seed % (i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

describe('archive names', () => {
  it('name the scope, the moment to the second (UTC) and the reason, and read back to the same scope and moment', () => {
    const when = new Date('2026-03-04T03:07:09.456Z')
    const name = archiveName(BUSINESS, 'before_migrations', when)
    expect(name).toBe(`service-crm-${BUSINESS}-20260304T030709Z-before-migrations.tar.gz.age`)
    expect(parseArchiveName(name)).toEqual({ scope: BUSINESS, at: new Date('2026-03-04T03:07:09Z'), reason: 'before_migrations' })
    for (const reason of ['manual', 'nightly', 'before_restore']) {
      const all = archiveName('all', reason, when)
      expect(parseArchiveName(all)).toEqual({ scope: 'all', at: new Date('2026-03-04T03:07:09Z'), reason })
    }
    // Archives of the first format, made before archives were age files, keep their name and are read the same.
    expect(parseArchiveName(`service-crm-${BUSINESS}-20260304T030709Z-nightly.crmbackup`)).toEqual({
      scope: BUSINESS,
      at: new Date('2026-03-04T03:07:09Z'),
      reason: 'nightly',
    })
  })

  it('reads nothing from a file that is not an archive of ours', () => {
    for (const name of [
      'notes.txt',
      `service-crm-${BUSINESS}-20260304T030709Z-nightly.crmbackup.part`,
      `service-crm-${BUSINESS}-20260304T030709Z-nightly.crmbackup.bak`,
      `service-crm-${BUSINESS}-20260304T030709Z-nightly.tar.gz.age.part`,
      `service-crm-${BUSINESS}-20260304T030709Z-nightly.tar.gz`,
      `service-crm-${BUSINESS.toUpperCase()}-20260304T030709Z-nightly.crmbackup`,
      'service-crm-some-20260304T030709Z-nightly.crmbackup',
      `other-crm-all-20260304T030709Z-nightly.crmbackup`,
      `service-crm-all-2026-03-04T03:07:09Z-nightly.crmbackup`,
    ])
      expect({ name, parsed: parseArchiveName(name) }).toEqual({ name, parsed: null })
  })
})

describe('retention of a business’s archives (grandfather-father-son, on the business’s clock)', () => {
  // 400 nightly archives, 2025-01-29 to 2026-03-04 (UTC). In Chicago each one is the evening before: the newest,
  // 2026-03-04 03:00 UTC, is Tuesday 3 March 21:00 there.
  const names = nightly(BUSINESS, '2026-03-04', 400)

  it('keeps the newest of each of the last 7 days, 4 ISO weeks and 12 months as Chicago reads them', () => {
    const days = ['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']
    // ISO weeks 9, 8 and 7 of 2026 end on Sundays 1 March, 22 and 15 February in Chicago: the archives of the next UTC day.
    const weeks = ['2026-03-02', '2026-02-23', '2026-02-16']
    // A month's last evening in Chicago is the first of the next month in UTC.
    const months = [
      '2026-03-01',
      '2026-02-01',
      '2026-01-01',
      '2025-12-01',
      '2025-11-01',
      '2025-10-01',
      '2025-09-01',
      '2025-08-01',
      '2025-07-01',
      '2025-06-01',
      '2025-05-01',
    ]
    const expected = [...new Set([...days, ...weeks, ...months])].map((d) => at3(BUSINESS, d)).sort()
    const result = kept(shuffled(names), BUSINESS)
    expect(result).toEqual(expected)
    expect(result).toHaveLength(19)
    expect(archivesToDelete(names, BUSINESS, DEFAULT_RETENTION, CHICAGO)).toHaveLength(400 - 19)
  })

  it('keeps other archives when the days are read in UTC: the business’s time zone decides', () => {
    const result = kept(names, BUSINESS, DEFAULT_RETENTION, 'UTC')
    // Weeks end on the Sundays themselves, months on their last days.
    for (const day of ['2026-02-22', '2026-02-15', '2026-01-31', '2025-12-31', '2025-04-30']) expect(result).toContain(at3(BUSINESS, day))
    for (const day of ['2026-02-23', '2026-02-16', '2026-02-01', '2026-01-01', '2025-05-01'])
      expect(result).not.toContain(at3(BUSINESS, day))
    expect(result).toHaveLength(19)
  })

  it('counts an archive made at 03:00 UTC as the previous day in Chicago: of two on that day, the later one is kept', () => {
    const morning = archiveName(BUSINESS, 'nightly', new Date('2026-03-03T15:00:00Z')) // Tuesday 09:00 in Chicago
    const evening = archiveName(BUSINESS, 'nightly', new Date('2026-03-04T03:00:00Z')) // Tuesday 21:00 in Chicago
    const monday = archiveName(BUSINESS, 'nightly', new Date('2026-03-02T15:00:00Z')) // Monday 09:00 in Chicago
    const keep = { daily: 2, weekly: 0, monthly: 0 }
    expect(archivesToDelete([morning, evening, monday], BUSINESS, keep, CHICAGO)).toEqual([morning])
    // In UTC the evening archive is Wednesday's, so Tuesday's is the morning one and Monday's goes.
    expect(archivesToDelete([morning, evening, monday], BUSINESS, keep, 'UTC')).toEqual([monday])
  })

  it('never deletes an archive someone asked for, or one made before migrations or a restore', () => {
    const asked = ['manual', 'before_migrations', 'before_restore'].map((reason) =>
      archiveName(BUSINESS, reason, new Date('2025-01-01T03:00:00Z')),
    )
    expect(archivesToDelete([...names, ...asked], BUSINESS, { daily: 1, weekly: 0, monthly: 0 }, CHICAGO)).toHaveLength(399)
    expect(archivesToDelete(asked, BUSINESS, { daily: 1, weekly: 0, monthly: 0 }, CHICAGO)).toEqual([])
  })

  it('always keeps the newest archive, even when nothing else is kept', () => {
    const none = { daily: 0, weekly: 0, monthly: 0 }
    expect(kept(names, BUSINESS, none)).toEqual([at3(BUSINESS, '2026-03-04')])
    const one = [at3(BUSINESS, '2026-03-04')]
    expect(archivesToDelete(one, BUSINESS, none, CHICAGO)).toEqual([])
    expect(archivesToDelete([], BUSINESS, DEFAULT_RETENTION, CHICAGO)).toEqual([])
  })

  it('keeps no weeks with keep_weekly 0 and no months with keep_monthly 0', () => {
    const days = nightly(BUSINESS, '2026-03-04', 7).sort()
    expect(kept(names, BUSINESS, { daily: 7, weekly: 0, monthly: 0 })).toEqual(days)
    expect(kept(names, BUSINESS, { daily: 7, weekly: 4, monthly: 0 })).toEqual(
      [...days, at3(BUSINESS, '2026-02-23'), at3(BUSINESS, '2026-02-16')].sort(),
    )
    const withMonths = kept(names, BUSINESS, { daily: 7, weekly: 0, monthly: 12 })
    expect(withMonths).toHaveLength(17)
    expect(withMonths).not.toContain(at3(BUSINESS, '2026-02-23'))
    expect(withMonths).toContain(at3(BUSINESS, '2025-05-01'))
    expect(withMonths).not.toContain(at3(BUSINESS, '2025-04-01'))
  })

  it('never deletes another scope’s archives or a file that is not an archive of ours', () => {
    const foreign = [
      'notes.txt',
      'README',
      `service-crm-${BUSINESS}-20250101T030000Z-nightly.crmbackup.part`,
      `service-crm-${BUSINESS.toUpperCase()}-20250101T030000Z-nightly.crmbackup`,
      `old-${at3(BUSINESS, '2025-03-01')}`,
    ]
    const others = [...nightly(OTHER, '2026-03-04', 400), ...nightly('all', '2026-03-04', 400)]
    const everything = shuffled([...names, ...others, ...foreign])
    const deleted = archivesToDelete(everything, BUSINESS, DEFAULT_RETENTION, CHICAGO)
    expect(deleted).toHaveLength(400 - 19)
    expect(deleted.every((n) => parseArchiveName(n)?.scope === BUSINESS)).toBe(true)
    expect(deleted.filter((n) => others.includes(n) || foreign.includes(n))).toEqual([])
    // Each scope's retention counts its own archives only.
    const ofAll = archivesToDelete(everything, 'all', DEFAULT_RETENTION, CHICAGO)
    expect(ofAll).toHaveLength(400 - 19)
    expect(ofAll.every((n) => parseArchiveName(n)?.scope === 'all')).toBe(true)
  })
})
