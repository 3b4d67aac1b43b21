/** How one check came out: fine, worth a look, broken, or not in use here. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'off'

/** One line of the doctor's report: what was checked, how it came out, what it found, and what to do about it. */
export interface CheckItem {
  check: string
  status: CheckStatus
  detail: string
  /** What to change; empty when nothing needs doing. */
  fix: string
}

/** An item that needs nothing done. */
export function ok(check: string, detail: string): CheckItem {
  return { check, status: 'ok', detail, fix: '' }
}

/** An item for something this deployment does not use (an integration that is off). */
export function off(check: string, detail: string): CheckItem {
  return { check, status: 'off', detail, fix: '' }
}

/** An item worth a look: it works, but not as it should for long. */
export function warn(check: string, detail: string, fix: string): CheckItem {
  return { check, status: 'warn', detail, fix }
}

/** An item that is broken: the doctor exits with 1. */
export function fail(check: string, detail: string, fix: string): CheckItem {
  return { check, status: 'fail', detail, fix }
}
