/** A period named in a question, as inclusive dates (YYYY-MM-DD) in the business's time zone. */
export interface NamedPeriod {
  /** The words as they were read, e.g. "last spring". */
  phrase: string
  from: string
  to: string
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']
// Full names only: "jan" or "mar" may well be part of a name.
const MONTH_WORDS = new Map<string, number>(MONTHS.map((m, i) => [m, i]))

/** Seasons as the months they start and end in (meteorological, northern hemisphere); winter runs into the next year. */
const SEASONS: Record<string, { start: number; months: number }> = {
  spring: { start: 2, months: 3 },
  summer: { start: 5, months: 3 },
  fall: { start: 8, months: 3 },
  autumn: { start: 8, months: 3 },
  winter: { start: 11, months: 3 },
}

const MONTH_PATTERN = [...MONTH_WORDS.keys()].sort((a, b) => b.length - a.length).join('|')
const PATTERNS: Array<{ re: RegExp; read: (m: RegExpMatchArray, today: Today) => { from: string; to: string } | null }> = [
  { re: /\b(last|this|past) (spring|summer|fall|autumn|winter)\b/, read: (m, t) => season(m[2], m[1] === 'this' ? 0 : 1, t) },
  { re: /\b(last|previous|past) month\b/, read: (_m, t) => month(t.year, t.month - 1) },
  { re: /\bthis month\b/, read: (_m, t) => month(t.year, t.month) },
  { re: /\b(last|previous|past) year\b/, read: (_m, t) => ({ from: `${t.year - 1}-01-01`, to: `${t.year - 1}-12-31` }) },
  { re: /\bthis year\b/, read: (_m, t) => ({ from: `${t.year}-01-01`, to: `${t.year}-12-31` }) },
  { re: /\b(?:since|after) (\d{4})\b/, read: (m, t) => ({ from: `${m[1]}-01-01`, to: t.date }) },
  {
    re: new RegExp(`\\b(?:since|after) (${MONTH_PATTERN})(?: (\\d{4}))?\\b`),
    read: (m, t) => {
      const first = month(m[2] ? Number(m[2]) : t.year, MONTH_WORDS.get(m[1])!, t, !m[2])
      return { from: first.from, to: t.date }
    },
  },
  {
    re: new RegExp(`\\b(?:in|during) (${MONTH_PATTERN})(?: (\\d{4}))?\\b`),
    read: (m, t) => month(m[2] ? Number(m[2]) : t.year, MONTH_WORDS.get(m[1])!, t, !m[2]),
  },
  { re: /\b(?:in|during) (\d{4})\b/, read: (m) => ({ from: `${m[1]}-01-01`, to: `${m[1]}-12-31` }) },
]

interface Today {
  date: string
  year: number
  month: number
}

/**
 * Finds one period phrase in lower-case text ("last spring", "last month", "last year", "this year", "in March",
 * "in March 2025", "since 2025", "since March", "in 2025") relative to today (YYYY-MM-DD, business time zone).
 * "last <season>" is the latest such season already over; "in March" is the latest March that has begun.
 */
export function readPeriod(text: string, today: string): NamedPeriod | null {
  const t: Today = { date: today, year: Number(today.slice(0, 4)), month: Number(today.slice(5, 7)) - 1 }
  for (const { re, read } of PATTERNS) {
    const m = text.match(re)
    if (!m) continue
    const period = read(m, t)
    if (period) return { phrase: m[0], ...period }
  }
  return null
}

/** The month (0-based, may be -1 for last December) as a period; when latest, the latest one that has begun. */
function month(year: number, index: number, today?: Today, latest = false): { from: string; to: string } {
  let y = year + Math.floor(index / 12)
  const m = ((index % 12) + 12) % 12
  if (latest && today && (y > today.year || (y === today.year && m > today.month))) y -= 1
  return { from: `${y}-${pad(m + 1)}-01`, to: lastDay(y, m) }
}

/** The season that is over (back = 1) or of this year (back = 0). */
function season(name: string, back: number, t: Today): { from: string; to: string } {
  const { start, months } = SEASONS[name]
  // The year its first month falls in for the occurrence that began most recently (or is under way).
  let year = t.month >= start ? t.year : t.year - 1
  const endMonth = start + months - 1
  const endYear = year + Math.floor(endMonth / 12)
  const over = endYear < t.year || (endYear === t.year && endMonth % 12 < t.month)
  if (back === 1 && !over) year -= 1
  const last = start + months - 1
  return { from: `${year}-${pad(start + 1)}-01`, to: lastDay(year + Math.floor(last / 12), last % 12) }
}

function lastDay(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month + 1, 0))
  return d.toISOString().slice(0, 10)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
