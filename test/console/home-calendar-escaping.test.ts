import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../helpers/session-browser.js'
import { engines } from '../helpers/databases.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { homeFixture, type HomeFixture } from './home-fixture.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)('Home and Calendar escape every text they show (%s)', (engine) => {
  let f: HomeFixture
  let owner: PageClient
  let techId: string
  beforeAll(async () => {
    // Customer names, the customer's note, the lead, and the request's description (it names the customer) all carry the payload.
    f = await homeFixture(engine, { customer: `Jane ${PAYLOAD}`, note: `Not then ${PAYLOAD}` })
    techId = await addUser(f.app, 'hostile@sparkle.test', 'technician', `Tina ${PAYLOAD}`)
    const address = await f.app.action('address', 'add', {
      contact_id: f.contactId,
      line1: `1 ${PAYLOAD}`,
      city: `Town ${PAYLOAD}`,
      state: 'AL',
      postal_code: '35801',
    })
    expect(address.status, JSON.stringify(address.body.error)).toBe(200)
    await f.book('2026-11-05T16:00', [techId], { address_id: address.body.data.id })
    owner = await pageClient(f.app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })

  it('Home: tickets with towns and technicians, the request, the answer and its note, the invoice, the work to bill and the lead', async () => {
    const page = await owner.get('/')
    expectEscaped(page, 'home')
    for (const text of ['Town &lt;script&gt;', 'Tina &lt;script&gt;', 'Not then &lt;script&gt;', 'Delete customer Jane &lt;script&gt;']) {
      expect(page.html, text).toContain(text)
    }
  })

  it("the calendar's day, week and one technician's views; the month grid shows no names", async () => {
    for (const path of [
      '/schedule?date=2026-11-05',
      '/schedule?view=week&date=2026-11-05',
      `/schedule?date=2026-11-05&technician=${techId}`,
    ]) {
      const page = await owner.get(path)
      expectEscaped(page, path)
      expect(page.html, path).toContain('Town &lt;script&gt;')
    }
    expectEscaped(await owner.get('/schedule?view=month&date=2026-11-05'), 'month', false)
  })

  it('hostile query strings come back as a 400 page that does not echo them as markup', async () => {
    for (const name of ['date', 'technician', 'view']) {
      const page = await owner.get(`/schedule?${name}=${encodeURIComponent(PAYLOAD)}`)
      expect(page.status, name).toBe(400)
      expectEscaped(page, name, false)
    }
  })
})
