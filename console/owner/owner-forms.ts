import type { Response } from 'express'
import { stateOf } from '../../core/http/request-state.js'
import type { SessionPrincipal } from '../../core/auth/sessions.js'
import type { Caller } from '../../core/call-action.js'
import { callQuery } from '../../core/call-query.js'
import { formatMoney } from '../../core/money.js'
import type { Services } from '../../core/context.js'
import { businessQuery } from '../../core/domains/settings/queries.js'
import { type AppError, validationError } from '../../core/errors.js'
import { html, type SafeHtml } from '../html.js'
import { issuesOf } from './field-errors.js'

/** The signed-in person's caller for registered queries and actions, within this request. */
export function callerOf(services: Services, session: SessionPrincipal, res: Response): Caller {
  return { services, principal: session, requestId: stateOf(res).requestId }
}

/** What the console pages show times and money in: the business's time zone and currency. */
export interface BusinessFormat {
  timezone: string
  currency: string
}

/** The business's time zone and currency, read through the registered business query. */
export async function businessFormat(caller: Caller): Promise<BusinessFormat> {
  const [business] = (await callQuery(caller, businessQuery, { limit: 1 })).items
  return { timezone: business?.timezone ?? 'UTC', currency: business?.currency ?? 'USD' }
}

/** Cents as the business's currency, e.g. $1,234.50. */
export function money(cents: number, format: BusinessFormat): string {
  return formatMoney(cents, format.currency)
}

/** Dollars and cents as typed ("45.50", "$1,200", "-3") as whole cents; null when it is not an amount at all. */
export function centsOf(raw: string): number | null {
  const m = raw.replace(/[$,\s]/g, '').match(/^(-?)(\d{1,9})(?:\.(\d{1,2}))?$/)
  if (!m) return null
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'))
  return m[1] ? -cents : cents
}

/** A form field as the body carries it, trimmed; empty when absent. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value.trim() : ''
}

/** The refusal of an amount the page could not read, named like the action's own field errors. */
export function amountRefused(fieldName: string, raw: string): AppError {
  return validationError([{ field: `data.${fieldName}`, message: `expected an amount in dollars and cents such as 45.50, not "${raw}"` }])
}

/** Each refused field's message, by the field's name without the "data." prefix; a refusal without fields gives none. */
export function fieldProblems(err: AppError): Map<string, string> {
  return new Map(issuesOf(err).map((i) => [i.field.replace(/^data\./, '').split('.')[0], i.message]))
}

/** The message next to a field the action refused, or nothing. */
export function problemAt(problems: Map<string, string>, name: string): SafeHtml | '' {
  const message = problems.get(name)
  return message ? html`<span class="err fe">${message}</span>` : ''
}

/** The status line of ?done=<key> when the key is one of the page's own, never text from the request. */
export function doneLine(done: unknown, lines: Record<string, string>): string | undefined {
  return typeof done === 'string' && Object.hasOwn(lines, done) ? lines[done] : undefined
}
