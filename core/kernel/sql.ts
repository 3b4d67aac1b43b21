/** A column name as written in the code (snake_case), never text from a caller. */
const COLUMN = /^[a-z_][a-z0-9_]*$/

/**
 * The `column = $n` parts of an UPDATE for every field that is not undefined, numbered from $1, and their values.
 * Keys come from strict zod schemas, so they are known column names; anything else is refused loudly.
 */
export function setClause(fields: Record<string, unknown>): { sets: string[]; values: unknown[] } {
  const sets: string[] = []
  const values: unknown[] = []
  for (const [column, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (!COLUMN.test(column)) throw new Error(`Not a column name: ${column}`)
    values.push(value)
    sets.push(`${column} = $${values.length}`)
  }
  return { sets, values }
}

/** Each word of a search as an ILIKE pattern matching it anywhere, with the pattern characters taken literally. */
export function wordPatterns(words: string): string[] {
  return words
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
}

/**
 * The numbered parameters of a statement built from parts: `where.push(\`i.status = ${params.add(status)}\`)`.
 * Only the filters a caller gave become conditions, so the planner sees each one and can use its index; a catch-all
 * `($n is null or ...)` hides a subquery filter from it and reads the whole business instead.
 */
export class SqlParams {
  readonly values: unknown[] = []

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/** `where a and b` for the conditions given, or '' for none. */
export function whereAll(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join('\n and ')}` : ''
}
