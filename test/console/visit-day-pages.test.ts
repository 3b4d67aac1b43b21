import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../helpers/databases.js'
import { formHtml, pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

describe.each(engines)("the visit page before the visit's day (%s)", (engine) => {
  let f: TechFixture
  let tom: PageClient
  let owner: PageClient

  beforeAll(async () => {
    f = await techFixture(engine)
    tom = await pageClient(f.app, 'tom@sparkle.test')
    owner = await pageClient(f.app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })

  it("tells the technician when clock-in and close-out open; an early press or the close-out's address gets the reason", async () => {
    // Tom's visit on Saturday 2026-11-07; today is Thursday.
    const id = f.tickets.future
    const page = await tom.get(`/tickets/${id}`)
    expect(page.status).toBe(200)
    expect(page.html).toContain("Clock-in opens on the visit's day, Sat 2026-11-07.")
    expect(page.html).toContain("Close-out opens on the visit's day, Sat 2026-11-07.")
    // The clock-in form stays, for the copy of the page kept on the phone for the visit's day.
    expect(page.html).toContain(`action="/tickets/${id}/clock_in"`)
    expect(page.html).not.toContain(`/tickets/${id}/closeout/work`)
    expect(page.html).not.toContain('before its day')

    // Typing the address of the close-out or pressing an old copy of the clock-in button gets the reason, and nothing starts.
    const typed = await tom.get(`/tickets/${id}/closeout`)
    expect(typed.status).toBe(409)
    expect(typed.html).toContain('its close-out can start from Sat 2026-11-07 00:00 (America/Chicago), the visit&#39;s day')
    const pressed = await tom.submit(page.html, `/tickets/${id}/clock_in`)
    expect(pressed.status).toBe(409)
    expect(pressed.html).toContain('its clock-in can start from Sat 2026-11-07 00:00')
    const rows = await f.app.t.admin.query<any>(
      'select (select count(*)::int from closeouts where ticket_id = $1) as closeouts, ' +
        '(select clock_in_at from ticket_technicians where ticket_id = $1) as clock_in_at',
      [id],
    )
    expect(rows.rows[0]).toEqual({ closeouts: 0, clock_in_at: null })
  })

  it("offers the owner a close-out before the visit's day on purpose, which starts it and is audited", async () => {
    const id = f.tickets.future
    const page = await owner.get(`/tickets/${id}`)
    expect(page.html).toContain("Close-out opens on the visit's day, Sat 2026-11-07.")
    const form = formHtml(page.html, `/tickets/${id}/closeout`)
    expect(form).toContain('Close out now, before its day')
    const started = await owner.submit(page.html, `/tickets/${id}/closeout`)
    expect(started.status).toBe(303)
    expect(started.location).toBe(`/tickets/${id}/closeout/work`)
    expect((await owner.get(started.location!)).status).toBe(200)
    const audit = await f.app.t.admin.query<any>(
      `select changes, actor_id from audit_log where entity_type = 'ticket' and entity_id = $1 and action = 'closeout_start'`,
      [id],
    )
    expect(audit.rows).toHaveLength(1)
    expect(audit.rows[0].changes.started_before_its_day).toEqual({ old: null, new: '2026-11-07' })
    expect(audit.rows[0].actor_id).toBe(f.app.tenant.owner_user_id)
    // Once the owner started it, the technician's page leads into it.
    expect((await tom.get(`/tickets/${id}`)).html).toContain(`href="/tickets/${id}/closeout/work"`)
  })
})
