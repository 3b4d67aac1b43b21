import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../helpers/databases.js'
import { type CalendarInWorld, calendarInWorld } from './calendar-in-fixtures.js'

describe.each(engines)('Google push channels and the webhook (%s)', (engine) => {
  let w: CalendarInWorld
  const notify = (headers: Record<string, string>) =>
    w.app.call('POST', '/api/webhooks/google', undefined, { authorization: '', ...headers })
  const requested = async () =>
    (await w.sql<{ sync_requested_at: Date | null }>('select sync_requested_at from google_connections where user_id = $1', [w.alice]))[0]
      .sync_requested_at

  beforeAll(async () => {
    w = await calendarInWorld(engine)
  })
  afterAll(() => w?.close())

  it('polls only while the address is not https; with one, a channel is opened and its notification asks for a sync', async () => {
    await w.pass()
    expect(w.channels()).toEqual([])
    w.app.services.config.publicBaseUrl = 'https://crm.example.com'
    const opened = await w.pass()
    expect(opened.synced[0].report.steps['calendar-in'].channels_opened).toBe(1)
    const [channel] = w.channels()
    const kept = (await w.sql('select channel_id, channel_token_hash from google_calendar_reads where user_id = $1', [w.alice]))[0]
    expect(kept.channel_id).toBe(channel.id)
    // The token is kept only as a hash.
    expect(kept.channel_token_hash).not.toContain(channel.token)
    expect(kept.channel_token_hash).toMatch(/^[0-9a-f]{64}$/)

    // The first message opens the channel: acknowledged, no sync needed.
    const before = await requested()
    const sync = await notify({ 'X-Goog-Channel-ID': channel.id, 'X-Goog-Channel-Token': channel.token, 'X-Goog-Resource-State': 'sync' })
    expect(sync.status).toBe(200)
    expect(await requested()).toEqual(before)

    w.clock.now = new Date(w.clock.now.getTime() + 5_000)
    const changed = await notify({
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Token': channel.token,
      'X-Goog-Resource-State': 'exists',
    })
    expect(changed.status).toBe(200)
    expect(new Date((await requested()) as Date).getTime()).toBe(w.clock.now.getTime())
  })

  it('refuses a wrong token, and answers 404 for a channel it does not know so that Google stops', async () => {
    const [channel] = w.channels()
    const before = await requested()
    const wrong = await notify({ 'X-Goog-Channel-ID': channel.id, 'X-Goog-Channel-Token': 'guess', 'X-Goog-Resource-State': 'exists' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.message).toMatch(/X-Goog-Channel-Token does not match/)
    const none = await notify({ 'X-Goog-Channel-ID': channel.id, 'X-Goog-Resource-State': 'exists' })
    expect(none.status).toBe(401)
    const unknown = await notify({ 'X-Goog-Channel-ID': 'no-such-channel', 'X-Goog-Channel-Token': 'x', 'X-Goog-Resource-State': 'exists' })
    expect(unknown.status).toBe(404)
    const state = await notify({ 'X-Goog-Channel-ID': channel.id, 'X-Goog-Channel-Token': channel.token, 'X-Goog-Resource-State': 'odd' })
    expect(state.status).toBe(400)
    expect(await requested()).toEqual(before)
  })

  it('renews a channel before it ends, stopping the old one, and stops it once the address is no longer https', async () => {
    const [first] = w.channels()
    // Six and a half days on: the week-long channel ends within a day.
    w.clock.now = new Date(Date.now() + 6.5 * 24 * 3600_000)
    const renewed = await w.pass()
    expect(renewed.synced[0].report.steps['calendar-in'].channels_opened).toBe(1)
    const all = w.channels()
    expect(all).toHaveLength(2)
    expect(all.find((c) => c.id === first.id)?.stopped).toBe(true)
    const second = all.find((c) => c.id !== first.id)
    expect(second?.stopped).toBe(false)
    // The old channel's notifications are no longer ours.
    const old = await notify({ 'X-Goog-Channel-ID': first.id, 'X-Goog-Channel-Token': first.token, 'X-Goog-Resource-State': 'exists' })
    expect(old.status).toBe(404)

    w.app.services.config.publicBaseUrl = 'http://localhost:3000'
    await w.pass()
    expect(w.channels().every((c) => c.stopped)).toBe(true)
    const kept = (await w.sql('select channel_id from google_calendar_reads where user_id = $1', [w.alice]))[0]
    expect(kept.channel_id).toBeNull()
  })

  it("answers 404 once the person's account is disconnected, so that Google stops", async () => {
    w.app.services.config.publicBaseUrl = 'https://crm.example.com'
    await w.pass()
    const open = w.channels().find((c) => !c.stopped)
    expect(open).toBeDefined()
    const ok = await notify({ 'X-Goog-Channel-ID': open!.id, 'X-Goog-Channel-Token': open!.token, 'X-Goog-Resource-State': 'exists' })
    expect(ok.status).toBe(200)
    await w.act('google', 'disconnect', { user_id: w.alice, reason: 'Left the company' })
    const after = await notify({ 'X-Goog-Channel-ID': open!.id, 'X-Goog-Channel-Token': open!.token, 'X-Goog-Resource-State': 'exists' })
    expect(after.status).toBe(404)
  })
})
