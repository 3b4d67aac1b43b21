import { describe, expect, it } from 'vitest'
import { DEMO_SETTINGS, demoSettingsToSet } from '../../core/demo/demo-settings.js'

describe("the demo's settings", () => {
  it('fill what a new business has not set: the reply-to, the phone and the payment instructions', () => {
    expect(demoSettingsToSet({ reply_to_email: null, phone: '', payment_instructions: '  ' })).toEqual(DEMO_SETTINGS)
  })

  it('leave what the business already set as it is', () => {
    expect(demoSettingsToSet({ reply_to_email: 'me@mine.test', phone: '(256) 555-0199', payment_instructions: 'Cash only' })).toEqual({})
    expect(demoSettingsToSet({ reply_to_email: 'me@mine.test', phone: '', payment_instructions: 'Cash only' })).toEqual({
      phone: DEMO_SETTINGS.phone,
    })
  })
})
