import type { Queryable } from '../db/types.js'

/** What erasure writes over a personal column of a row that stays. */
export type Erasure =
  /** Cleared. */
  | 'null'
  /** An empty JSON object or array, or an empty list, as the column holds. */
  | 'empty'
  /** '[erased]' where it holds one of the customer's values; in JSON, each string that does. */
  | 'scrub'
  /** This text, always. */
  | { text: string }
  /** This text when it holds anything; empty stays empty. */
  | { textIfSet: string }

/** A column holding what someone typed or said about the customer, and what erasure does with it. */
export interface PersonalColumn {
  erase: Erasure
  /**
   * Which of its values are sought in the customer's other records and their audit entries: every value (true, the
   * default: the text, each element of a list, each string of JSON), those at a JSON path, or none (false).
   */
  sought?: boolean | string
  /**
   * Its values name the customer (a name, an email, a phone, a street): they are sought in every audit entry, queued
   * agent call and stored answer of the business, not only in the customer's own. true: every value; a JSON path: those.
   */
  names?: true | string
  /** A phone number: its digits alone name the customer too. */
  digits?: true
  /** Other names it has in audit entries (the API shows contacts.notes as `about`). */
  shownAs?: string[]
}

/**
 * A column: 'not personal' stays as it is for the books (amounts, numbers, dates, statuses, ids, the business's own
 * words); 'personal' goes with its row (a table whose rows erasure deletes); otherwise what erasure writes over it.
 */
export type Column = 'not personal' | 'personal' | PersonalColumn

/** The erasure's own time, as a value a state change sets. */
export const ERASURE_TIME = { time: 'of erasure' } as const

/** What a row must hold for a state change to apply: one of these texts, nothing (null), or a time after the erasure's. */
export type Condition = readonly string[] | null | 'after erasure'

/** A change of state that comes with erasure (not personal data): these columns set, on the rows matching `when` (all without it). */
export interface StateChange {
  when?: Record<string, Condition>
  set: Record<string, string | null | typeof ERASURE_TIME>
}

/** One part of the customer's export: the rows of the table reached, as stored. */
export interface ExportPart {
  /** Its name in the export. */
  part: string
  /** Its heading on the owner's page. */
  heading: string
  /** SQL ordering the rows, over the table as t. */
  order: string
  /** Only the rows reached through these columns (default: every way the table reaches the customer). */
  through?: string[]
  /** Columns added to each row, as SQL over t (a file's download link, a segment's name). */
  adds?: Record<string, string>
}

/**
 * How a row reaches the customer: a foreign key column naming a table (the contact's own id: 'contacts'), a column
 * holding one of the customer's values (`{ holds: 'contacts.emails' }`: the addresses in their emails, in any case), or
 * 'mentions': rows whose personal columns name the customer or hold the id of one of their contacts.
 */
export type Reach = Record<string, string | { holds: string }> | 'mentions'

/** What one table holds about a customer, declared once by the domain that owns it. */
export interface PersonalTable {
  table: string
  /**
   * Where its part comes in the customer's export (smaller first), and where it comes in erasure's walk among tables
   * that do not reach each other. Declarations are found, not listed (core/domains/personal-data.ts): this is their order.
   */
  place: number
  reach: Reach
  /** Every column of text, JSON or list type (a generated column follows its source and is not declared). */
  columns: Record<string, Column>
  /** 'deleted': erasure deletes the reached rows; otherwise they stay with their personal columns erased. */
  rows?: 'deleted'
  /** Only the rows whose personal columns change are written (and counted): the rest stay exactly as they were. */
  onlyRowsThatChange?: true
  /** What else erasure changes in the reached rows. */
  stateChanges?: StateChange[]
  /** A count on another table of the rows pointing at it, lowered as erasure deletes them. */
  counter?: { table: string; column: string; key: string }
  /** The column naming each row's stored file: bytes no row names any more leave the store after the erasure. */
  files?: string
  /** The name a whole row has in another record's audit entries (a relationship is shown as `link` on its contact). */
  shownAs?: string
  /** Its part of the customer's export, or null with the reason in a comment. */
  export: ExportPart | ExportPart[] | null
}

/** The ids of the customer's rows of each table with an id, as erasure and the export reach them. */
export type CustomerReach = Record<string, string[]>

/** A part of the export read by a domain's own statement over the reached rows (values shown beside their definitions). */
export interface ExportView {
  part: string
  heading: string
  rows(db: Queryable, reach: CustomerReach): Promise<Record<string, unknown>[]>
}
