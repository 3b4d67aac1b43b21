import { describe, expect, it } from 'vitest'
import { assertLeadTransition, LEAD_TRANSITIONS, parseUsAddress, type LeadStatus } from '../../../core/domains/leads/model.js'

describe("reading a lead's address", () => {
  it.each([
    ['123 Main St, Huntsville, AL 35801', { line1: '123 Main St', line2: null, city: 'Huntsville', state: 'AL', postal_code: '35801' }],
    ['123 Main St, Huntsville AL 35801', { line1: '123 Main St', line2: null, city: 'Huntsville', state: 'AL', postal_code: '35801' }],
    [
      '  9 Elm Ct ,  Madison , al. 35758-1234 ',
      { line1: '9 Elm Ct', line2: null, city: 'Madison', state: 'AL', postal_code: '35758-1234' },
    ],
    [
      '12 Oak Dr, Apt 3, Owens Cross Roads, AL 35763, USA',
      { line1: '12 Oak Dr', line2: 'Apt 3', city: 'Owens Cross Roads', state: 'AL', postal_code: '35763' },
    ],
    [
      '500 Pine St\nSuite 2\nHuntsville, AL 35806',
      { line1: '500 Pine St', line2: 'Suite 2', city: 'Huntsville', state: 'AL', postal_code: '35806' },
    ],
  ])('reads %j', (text, expected) => {
    expect(parseUsAddress(text)).toEqual(expected)
  })

  it.each([
    'the white house past the old mill',
    '123 Main St Huntsville AL 35801',
    'Huntsville, AL 35801',
    '123 Main St, Huntsville, Alabama',
    '123 Main St, Huntsville, AL 3580',
    '',
  ])('does not guess the parts of %j', (text) => {
    expect(parseUsAddress(text)).toBeNull()
  })
})

describe('lead status moves', () => {
  it('allows forward skips, single steps back, reopening, and nothing after converted', () => {
    const ok = (from: LeadStatus, to: LeadStatus) => LEAD_TRANSITIONS[from].includes(to)
    expect(ok('new', 'qualified')).toBe(true)
    expect(ok('new', 'converted')).toBe(true)
    expect(ok('qualified', 'contacted')).toBe(true)
    expect(ok('qualified', 'new')).toBe(false)
    expect(ok('archived', 'qualified')).toBe(true)
    expect(ok('archived', 'converted')).toBe(false)
    expect(LEAD_TRANSITIONS.converted).toEqual([])
    expect(() => assertLeadTransition('converted', 'archived')).toThrow(/from converted to archived: converted is final/)
  })
})
