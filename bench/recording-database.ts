import type { Database, Queryable } from '../core/db/types.js'

/** One statement as the application sent it. */
export interface RecordedStatement {
  text: string
  params: unknown[]
  /** Sent together with BEGIN (a transaction's setup), so it costs no round trip of its own. */
  withBegin?: boolean
  /**
   * Held back (core/db/deferred.ts) and sent with the transaction's next exec or its COMMIT, no round trip of its own; or
   * just ahead of its next query, a round trip of its own.
   */
  deferred?: boolean
  /** Sent as a simple query (exec), which carries the statements held before it. */
  exec?: boolean
  /** The first row it returned, once it has answered: a replay carries returned ids and numbers forward (bench/mix-baseline.ts). */
  firstRow?: Record<string, unknown>
}

/** The statements of one transaction, or a single statement sent outside any transaction. */
export interface RecordedUnit {
  transaction: boolean
  statements: RecordedStatement[]
}

/** A database that keeps every statement sent through it, so a benchmark can replay exactly what the app sends. */
export function recordingDatabase(db: Database): { db: Database; units: RecordedUnit[] } {
  const units: RecordedUnit[] = []
  const recorder = (q: Queryable, unit: () => RecordedUnit): Queryable => ({
    query<T>(text: string, params?: unknown[]) {
      const statement: RecordedStatement = { text, params: params ?? [] }
      unit().statements.push(statement)
      const answer = q.query<T>(text, params)
      answer.then(
        (r) => {
          statement.firstRow = r.rows[0] as Record<string, unknown> | undefined
        },
        () => {},
      )
      return answer
    },
    exec(text) {
      unit().statements.push({ text, params: [], exec: true })
      return q.exec(text)
    },
    ...(q.defer
      ? {
          defer(text: string) {
            unit().statements.push({ text, params: [], deferred: true })
            q.defer?.(text)
          },
        }
      : {}),
  })
  const single = () => {
    const u: RecordedUnit = { transaction: false, statements: [] }
    units.push(u)
    return u
  }
  const root = recorder(db, single)
  return {
    units,
    db: {
      engine: db.engine,
      query: root.query,
      exec: root.exec,
      transaction(fn, setup) {
        return db.transaction((tx, setupRows) => {
          const u: RecordedUnit = { transaction: true, statements: setup ? [{ text: setup, params: [], withBegin: true }] : [] }
          units.push(u)
          return fn(
            recorder(tx, () => u),
            setupRows,
          )
        }, setup)
      },
      close: () => db.close(),
    },
  }
}

/**
 * Round trips to the server: each statement, plus begin and commit around each transaction (what travels with them is
 * free), plus one for deferred statements a query sends ahead of itself (an exec or COMMIT carries them).
 */
export function roundTrips(units: RecordedUnit[]): number {
  let trips = 0
  for (const u of units) {
    if (u.transaction) trips += 2
    let held = false
    for (const s of u.statements) {
      if (s.withBegin) continue
      if (s.deferred) {
        held = true
        continue
      }
      trips += held && !s.exec ? 2 : 1
      held = false
    }
  }
  return trips
}

/** A short name of a statement, such as "insert into contacts" or "select set_config". */
export function statementName(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const from = /^select .*? from ([\w.]+)/i.exec(flat)
  if (from && !/^select set_config/i.test(flat)) return `select from ${from[1]}`.toLowerCase()
  const m = /^(insert into|update|delete from|select)\s+([\w.]+)/i.exec(flat)
  return m ? `${m[1]} ${m[2]}`.toLowerCase() : flat.slice(0, 30)
}

/** The statements of recorded units in short words, for a note: "begin, select set_config, select from x, commit | ...". */
export function describeUnits(units: RecordedUnit[]): string {
  return units
    .map((u) => {
      const names = u.statements.map((s) => statementName(s.text))
      return u.transaction ? ['begin', ...names, 'commit'].join(', ') : names.join(', ')
    })
    .join(' | ')
}
