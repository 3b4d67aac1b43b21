import { z } from 'zod'
import type { CallPreview } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { calendarDay } from '../../kernel/output-types.js'
import { localDate } from '../../vocabulary/time.js'
import { renderMessage } from '../messages/render.js'
import { loadTenantSettings } from '../settings/model.js'
import { audienceOf, type Audience, SKIP_REASONS, seasonEndDue } from './audience.js'
import { reachOutPeriod } from './batches.js'
import { type ReachOutRule, triggerWords } from './model.js'
import { servicesById } from '../services/model.js'

/** Who a rule would email today and with what, as reach_out_preview answers it. */
export const REACH_OUT_PREVIEW = z.object({
  id: z.uuid().describe('The rule'),
  name: z.string(),
  when: z.string(),
  day: calendarDay.describe("The business's day it was read for"),
  fires_today: z.boolean().describe('false for a season_end rule before its date (the list is who it would reach on the day)'),
  count: z.number().int().describe('How many it would email today: the daily cap at most'),
  recipients: z.array(
    z.object({
      contact_id: z.uuid(),
      name: z.string(),
      email: z.string(),
      why: z.string().describe('Why they are due, e.g. "last visit March 2, 2026"'),
      subject: z.string().describe('The subject they would read'),
    }),
  ),
  held_back: z.number().int().describe('Due and reachable but over the daily cap: they come on a later day'),
  skipped: z.object(
    Object.fromEntries(SKIP_REASONS.map((s) => [s, z.number().int()])) as Record<(typeof SKIP_REASONS)[number], z.ZodNumber>,
  ),
  message: z
    .object({ to: z.string(), subject: z.string(), body: z.string() })
    .nullable()
    .describe('The whole email the first recipient would read; null when nobody is due'),
})

/** The preview as REACH_OUT_PREVIEW gives it. */
export type RulePreview = z.output<typeof REACH_OUT_PREVIEW>

/** The words a customer would read from a rule's email, rendered for them now (the stop link is made when it is sent). */
export async function renderFor(tx: Queryable, rule: ReachOutRule, contactId: string, now: Date) {
  const message = {
    contact_id: contactId,
    kind: 'reach_out',
    template_id: rule.template_id,
    subject: rule.subject,
    body: rule.body,
    send_at: now.toISOString(),
  }
  return renderMessage(tx, message, undefined, { stop_link: '[link to stop these emails, made when it is sent]' })
}

/** Who a rule would email today (up to `limit` named, in the order they would go), with what, and who it leaves out why. */
export async function previewRule(ctx: OperationContext, rule: ReachOutRule, limit: number): Promise<RulePreview> {
  const settings = await loadTenantSettings(ctx.db)
  const now = ctx.services.now()
  const day = localDate(now, settings.timezone)
  const on = { day, timezone: settings.timezone, periodDays: await reachOutPeriod(ctx.db), now }
  const audience: Audience = await audienceOf(ctx.db, rule, on, Math.min(limit, rule.daily_cap))
  const reachable = audience.recipients.length + audience.held_back
  const recipients = []
  let message: RulePreview['message'] = null
  for (const r of audience.recipients) {
    const rendered = await renderFor(ctx.db, rule, r.contact_id, now)
    message ??= { to: `${r.name} <${r.email}>`, subject: rendered.subject, body: rendered.body }
    recipients.push({ ...r, subject: rendered.subject })
  }
  const service = rule.service_id ? (await servicesById(ctx.db, [rule.service_id])).get(rule.service_id)?.name : null
  return {
    id: rule.id,
    name: rule.name,
    when: triggerWords(rule, service),
    day,
    fires_today: rule.trigger !== 'season_end' || seasonEndDue({ ...rule, last_run_on: null }, day),
    count: Math.min(reachable, rule.daily_cap),
    recipients,
    held_back: Math.max(0, reachable - rule.daily_cap),
    skipped: audience.skipped,
    message,
  }
}

/** The preview as the owner's review card reads it: who, how many, what they read, who is left out. */
export function previewCard(p: RulePreview, summary: string, settings: { currency: string; timezone: string }): CallPreview {
  const left = SKIP_REASONS.filter((s) => p.skipped[s]).map((s) => `${p.skipped[s]} ${SKIP_WORDS[s]}`)
  const named = p.recipients.slice(0, 10).map((r) => `${r.name} (${r.why})`)
  return {
    summary,
    warnings: [
      p.count
        ? `Today it would email ${p.count} customer${p.count === 1 ? '' : 's'}${p.held_back ? ` (${p.held_back} more due on later days, over the daily cap)` : ''}: ${named.join('; ')}${p.count > named.length ? '; …' : ''}`
        : 'Today it would email nobody',
      ...(left.length ? [`Left out: ${left.join(', ')}`] : []),
    ],
    texts: p.message ? [{ label: `As ${p.message.to} reads it`, after: `Subject: ${p.message.subject}\n\n${p.message.body}` }] : [],
    facts: { recipient_count: p.count },
    ...settings,
  }
}

/** Each reason a due customer is left out, as a count reads it ("3 without an email"). */
export const SKIP_WORDS: Record<(typeof SKIP_REASONS)[number], string> = {
  no_email: 'without an email',
  email_refused: 'whose email bounced or complained',
  opted_out: 'who asked for no more reach-outs',
  booked_ahead: 'with a visit booked',
  reached_lately: 'reached out to within the period',
}
