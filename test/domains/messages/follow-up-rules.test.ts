import { describe, expect, it } from 'vitest'
import {
  invoiceReminderSteps,
  quoteFollowUpStep,
  reviewPeriodOver,
  reviewRequestStep,
  stepQueuesNow,
} from '../../../core/domains/messages/follow-up-rules.js'

const NY = { timezone: 'America/New_York', reminder_time: '09:00' }
const AUCKLAND = { timezone: 'Pacific/Auckland', reminder_time: '10:00' }
const at = (iso: string) => new Date(iso)
const times = (steps: Array<{ step: string; send_at: Date }>) => steps.map((s) => [s.step, s.send_at.toISOString()])

describe('what follow-up is due when', () => {
  it('invoice reminders fall at 09:00 New York time on each side of the clocks going back (2026-11-01)', () => {
    const steps = invoiceReminderSteps('2026-11-02', [7, -3, -1, 0, -1], at('2026-10-20T12:00:00Z'), NY)
    expect(times(steps)).toEqual([
      ['due-3', '2026-10-30T13:00:00.000Z'],
      ['due-1', '2026-11-01T14:00:00.000Z'],
      ['due+0', '2026-11-02T14:00:00.000Z'],
      ['due+7', '2026-11-09T14:00:00.000Z'],
    ])
  })

  it('leaves out the reminders that would go before the invoice was sent', () => {
    const steps = invoiceReminderSteps('2026-11-02', [-3, -1, 0], at('2026-11-01T14:00:00Z'), NY)
    expect(steps.map((s) => s.step)).toEqual(['due+0'])
  })

  it('a quote follow-up two days before it lapses keeps 09:00 across the clocks going forward (2027-03-14)', () => {
    const step = quoteFollowUpStep('2027-03-16', 2, at('2027-03-01T15:00:00Z'), NY)
    expect(step && [step.step, step.send_at.toISOString()]).toEqual(['expires-2', '2027-03-14T13:00:00.000Z'])
    // The day before, 09:00 was still EST: the two are 23 hours apart.
    const before = quoteFollowUpStep('2027-03-16', 3, at('2027-03-01T15:00:00Z'), NY)
    expect(before?.send_at.toISOString()).toBe('2027-03-13T14:00:00.000Z')
    expect(quoteFollowUpStep('2027-03-16', 2, at('2027-03-14T13:00:00Z'), NY)).toBeNull()
  })

  it("a review request goes on the business's next calendar day, not UTC's (Auckland, UTC+13)", () => {
    // 09:30 on 25 November in Auckland is still 24 November in UTC.
    const step = reviewRequestStep(at('2026-11-24T20:30:00Z'), 1, AUCKLAND)
    expect([step.step, step.send_at.toISOString()]).toEqual(['review', '2026-11-25T21:00:00.000Z'])
    // Across the end of New Zealand daylight time (2027-04-04): 10:00 NZST is 22:00 UTC.
    expect(reviewRequestStep(at('2027-04-03T01:00:00Z'), 1, AUCKLAND).send_at.toISOString()).toBe('2027-04-03T22:00:00.000Z')
  })

  it('asks a customer again only once the period has passed on the business calendar', () => {
    const last = at('2026-11-25T21:00:00Z') // 26 November in Auckland
    expect(reviewPeriodOver(null, last, 12, AUCKLAND.timezone)).toBe(true)
    expect(reviewPeriodOver(last, at('2027-11-25T10:59:00Z'), 12, AUCKLAND.timezone)).toBe(false) // 25 Nov 23:59 there
    expect(reviewPeriodOver(last, at('2027-11-25T11:00:00Z'), 12, AUCKLAND.timezone)).toBe(true) // 26 Nov 00:00 there
    expect(reviewPeriodOver(last, at('2027-05-25T21:00:00Z'), 6, AUCKLAND.timezone)).toBe(true)
    expect(reviewPeriodOver(last, at('2027-05-24T21:00:00Z'), 6, AUCKLAND.timezone)).toBe(false)
  })

  it('queues a step from a day ahead of its time until two days after it, never later', () => {
    const step = { step: 'due+0', send_at: at('2026-11-02T14:00:00Z') }
    expect(stepQueuesNow(step, at('2026-11-01T13:59:00Z'))).toBe(false)
    expect(stepQueuesNow(step, at('2026-11-01T14:00:00Z'))).toBe(true)
    expect(stepQueuesNow(step, at('2026-11-04T14:00:00Z'))).toBe(true)
    expect(stepQueuesNow(step, at('2026-11-04T14:01:00Z'))).toBe(false)
  })
})
