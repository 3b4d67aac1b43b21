// Answers of identical businesses compared across modes (test/registry/unknown-answers-writes.test.ts): what each business
// makes its own (ids, times it stamps, secret tokens) is replaced by the order it first appears in, so the rest compares.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
const TIMESTAMP = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?/g
/** A secret in a link (an offer's, a plan's, a pay page's): long enough that no word or number is one. */
const TOKEN = /(?<=[/=])[A-Za-z0-9_-]{24,}/g

/**
 * The answer with each uuid, timestamp and link secret replaced by its kind and first-seen order (`<id1>`, `<time2>`,
 * `<token1>`), and each of the business's own texts (`own`, e.g. its Google account) by its name: two answers of businesses
 * seeded alike then differ only where the answers do.
 */
export function normalizeAnswer(answer: unknown, own: Record<string, string> = {}): unknown {
  const seen = new Map<string, string>()
  const order = (kind: string, value: string) => {
    const key = `${kind}:${value}`
    let mark = seen.get(key)
    if (!mark) {
      mark = `<${kind}${[...seen.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}>`
      seen.set(key, mark)
    }
    return mark
  }
  const text = (s: string) =>
    Object.entries(own)
      .reduce((t, [mine, name]) => t.split(mine).join(`<${name}>`), s)
      .replace(UUID, (m) => order('id', m.toLowerCase()))
      .replace(TIMESTAMP, (m) => order('time', instant(m)))
      .replace(TOKEN, (m) => order('token', m))
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value)
    if (Array.isArray(value)) return value.map(walk)
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]))
    return value
  }
  return walk(JSON.parse(JSON.stringify(answer ?? null)))
}

/** The instant a timestamp names, so one time written two ways is one mark; the text itself when it does not parse. */
function instant(text: string): string {
  const at = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'))
  return Number.isNaN(at.getTime()) ? text : at.toISOString()
}
