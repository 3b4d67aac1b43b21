import { describe, expect, it } from 'vitest'
import { type CallEffect, effectDifferences } from '../../../core/domains/approvals/effect.js'

const visit = '11111111-1111-4111-8111-111111111111'
const tech = '22222222-2222-4222-8222-222222222222'
const other = '33333333-3333-4333-8333-333333333333'

function tried(at: string, changes: CallEffect['changes']): CallEffect {
  return { at, db_at: at, today: at.slice(0, 10), changes }
}

const moved = (label = 'Visit #7 for Ann') => ({
  entity: 'ticket',
  record: visit,
  label,
  action: 'move_day',
  fields: {
    scheduled_start: { before: '2026-12-03T15:00:00.000Z', after: '2026-12-04T15:00:00.000Z' },
    technicians: { before: [{ user_id: tech }], after: [{ user_id: tech }] },
  },
})
const email = (id: string, createdAt: string) => ({
  entity: 'scheduled_message',
  record: id,
  label: 'Moved email to Ann',
  action: 'schedule',
  made: true,
  fields: { id: { before: null, after: id }, ticket_id: { before: null, after: visit }, created_at: { before: null, after: createdAt } },
})

describe('what a call does, compared with what the owner was shown', () => {
  it('is the same when only the clock moved and the rows it makes have new ids', () => {
    const shown = tried('2026-11-26T14:00:00.000Z', [moved(), email('44444444-4444-4444-8444-444444444444', '2026-11-26T14:00:00.000Z')])
    const now = tried('2026-11-27T09:30:00.000Z', [
      moved('Visit #7 for Ann Lee'),
      email('55555555-5555-4555-8555-555555555555', '2026-11-27T09:30:00.000Z'),
    ])
    expect(effectDifferences(shown, now)).toEqual([])
  })

  it('names a record that would also change, one that no longer would, and a value that differs', () => {
    const shown = tried('2026-11-26T14:00:00.000Z', [moved()])
    const more = { ...moved('Visit #8 for Bo'), record: other }
    expect(effectDifferences(shown, tried('2026-11-26T15:00:00.000Z', [moved(), more]))).toEqual([
      'Visit #8 for Bo would also change (move day)',
    ])
    expect(effectDifferences(shown, tried('2026-11-26T15:00:00.000Z', []))).toEqual(['Visit #7 for Ann would no longer change (move day)'])
    const later = moved()
    later.fields.scheduled_start = { before: '2026-12-03T17:00:00.000Z', after: '2026-12-04T17:00:00.000Z' }
    expect(effectDifferences(shown, tried('2026-11-26T15:00:00.000Z', [later]))).toEqual([
      'Visit #7 for Ann: scheduled start would go from 2026-12-03T17:00:00.000Z to 2026-12-04T17:00:00.000Z, not from 2026-12-03T15:00:00.000Z to 2026-12-04T15:00:00.000Z',
    ])
  })

  it('reads the time a call writes into words as the clock, but not a time or a word that differs', () => {
    const cancelled = (at: string, words = 'was completed') => ({
      entity: 'scheduled_message',
      record: other,
      label: 'Confirmation email to Ann',
      action: 'close',
      fields: { last_error: { before: null, after: `Not sent: appointment #7 ${words} at ${at}` } },
    })
    const shown = tried('2026-11-26T14:00:00.000Z', [cancelled('2026-11-26T14:00:00.635Z')])
    expect(effectDifferences(shown, tried('2026-11-27T09:30:00.000Z', [cancelled('2026-11-27T09:30:00.120Z')]))).toEqual([])
    expect(effectDifferences(shown, tried('2026-11-27T09:30:00.000Z', [cancelled('2026-11-29T09:30:00.120Z')]))).toHaveLength(1)
    expect(
      effectDifferences(shown, tried('2026-11-27T09:30:00.000Z', [cancelled('2026-11-27T09:30:00.120Z', 'was cancelled')])),
    ).toHaveLength(1)
  })

  it('does not take a technician who changed for a new row made afresh', () => {
    const shown = tried('2026-11-26T14:00:00.000Z', [moved()])
    const swapped = moved()
    swapped.fields.technicians = { before: [{ user_id: other }], after: [{ user_id: other }] }
    expect(effectDifferences(shown, tried('2026-11-26T14:00:00.000Z', [swapped]))).toHaveLength(1)
  })
})
