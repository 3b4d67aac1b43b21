import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localDate, localTime } from '../../../core/vocabulary/time.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { insertAddress, newService } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

const CHICAGO = 'America/Chicago'

describe.each(engines)('recurring visits through MCP workflows (%s)', (engine) => {
  let app: TestApp
  let client: Client
  let contactId: string
  // Monday 2 March 2026, 06:00 in Chicago; clocks spring forward on Sunday 8 March.
  const now = new Date('2026-03-02T12:00:00Z')

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => now })
    await addUser(app, 'alice@sparkle.test', 'technician', 'Alice Tech')
    await newService(app, { name: 'Window Cleaning', pricing: 'fixed', price_cents: 12000, default_duration_minutes: 90 })
    contactId = expectData(await app.action('contact', 'create', { display_name: 'Rosa Diaz', email: 'rosa@example.com' })).id
    await insertAddress(app, contactId, '5 Pine Road')
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  const tool = async (name: string, args: Record<string, unknown>) => toolJson(await client.callTool({ name, arguments: args }))
  const visits = async (seriesId: string) =>
    (
      await app.t.admin.query<any>(
        'select id, number, scheduled_start from tickets where series_id = $1 and status <> $2 order by scheduled_start',
        [seriesId, 'cancelled'],
      )
    ).rows.map((t) => ({
      ...t,
      local: `${localDate(new Date(t.scheduled_start), CHICAGO)} ${localTime(new Date(t.scheduled_start), CHICAGO)}`,
    }))

  it('schedule_appointment with repeat books a series; daily_briefing marks its visits; handle_reschedule_request moves all of them', async () => {
    const booked = await tool('schedule_appointment', {
      contact_id: contactId,
      services: [{ name: 'window cleaning' }],
      date: '2026-03-04',
      time: '09:00',
      repeat: { rule: 'FREQ=WEEKLY;INTERVAL=2' },
    })
    expect(booked.isError, JSON.stringify(booked.json)).toBe(false)
    expect(booked.json.status).toBe('booked')
    expect(booked.json.ticket).toMatchObject({
      date: '2026-03-04',
      time: '09:00',
      technician: 'Alice Tech',
      total_cents: expect.any(Number),
    })
    expect(booked.json.series).toMatchObject({
      rule: 'FREQ=WEEKLY;INTERVAL=2',
      visits_booked: 5,
      booked_through: '2026-05-01',
      unassigned: [],
    })
    expect(booked.json.confirmation.scheduled).toBe(true)
    const seriesId = booked.json.series.id
    const list = await visits(seriesId)
    expect(list.map((v) => v.local)).toEqual([
      '2026-03-04 09:00',
      '2026-03-18 09:00',
      '2026-04-01 09:00',
      '2026-04-15 09:00',
      '2026-04-29 09:00',
    ])

    const briefing = await tool('daily_briefing', { date: '2026-03-18' })
    expect(briefing.json.briefing).toContain(`09:00-10:30 #${list[1].number} (series) Rosa Diaz; 5 Pine Road`)

    const noReason = await tool('handle_reschedule_request', {
      ticket_id: list[1].id,
      new_date: '2026-03-18',
      new_time: '10:00',
      scope: 'all',
    })
    expect(noReason.isError).toBe(true)
    expect(JSON.stringify(noReason.json)).toContain('REASONING_REQUIRED')
    const otherDay = await tool('handle_reschedule_request', {
      ticket_id: list[1].id,
      new_date: '2026-03-19',
      new_time: '10:00',
      scope: 'all',
      reasoning: 'asked',
    })
    expect(otherDay.isError).toBe(true)
    expect(JSON.stringify(otherDay.json)).toContain('new_date')
    const moved = await tool('handle_reschedule_request', {
      ticket_id: list[1].id,
      new_date: '2026-03-18',
      new_time: '10:00',
      scope: 'this_and_future',
      reasoning: 'the customer works mornings from now on',
    })
    expect(moved.isError, JSON.stringify(moved.json)).toBe(false)
    expect(moved.json).toMatchObject({ status: 'series_rescheduled', scope: 'this_and_future', time: '10:00' })
    expect(moved.json.changed_ticket_ids).toEqual(list.slice(1).map((v) => v.id))
    expect((await visits(seriesId)).map((v) => v.local)).toEqual(['2026-03-04 09:00'])
    expect((await visits(moved.json.series_id)).map((v) => v.local)).toEqual([
      '2026-03-18 10:00',
      '2026-04-01 10:00',
      '2026-04-15 10:00',
      '2026-04-29 10:00',
    ])

    const one = await tool('handle_reschedule_request', { ticket_id: list[2].id, new_date: '2026-04-02', new_time: '13:00' })
    expect(one.json.status).toBe('rescheduled')
    expect((await visits(moved.json.series_id)).map((v) => v.local)).toEqual([
      '2026-03-18 10:00',
      '2026-04-02 13:00',
      '2026-04-15 10:00',
      '2026-04-29 10:00',
    ])
  })
})
