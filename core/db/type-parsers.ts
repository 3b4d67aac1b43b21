/** PostgreSQL type OIDs whose default JavaScript form we change, the same on both engines. */
const INT8 = 20
const DATE = 1082
const NUMERIC = 1700

/** int8 as a number (counts and cents stay far below 2^53), dates as 'YYYY-MM-DD' strings, numeric as a number. */
export const typeParsers: Record<number, (value: string) => unknown> = {
  [INT8]: (v) => Number(v),
  [DATE]: (v) => v,
  [NUMERIC]: (v) => Number(v),
}
