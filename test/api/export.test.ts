import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { letters } from '../helpers/fixtures.js'

describe.each(engines)('CSV export of any list (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const download = async (query: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${app.url}/api/export?${query}`, {
      headers: { authorization: `Bearer ${app.tenant.agent_token}`, ...headers },
    })
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'),
      text: await res.text(),
    }
  }

  it('exports every record of a data type across pages, with filters, as a spreadsheet reads it', async () => {
    for (let i = 0; i < 130; i++) {
      expectData(
        await app.action('contact', 'create', {
          display_name: `Customer ${letters(i)}`,
          tags: i % 2 ? ['odd', 'route'] : ['even'],
          ...(i === 0 ? { about: '=HYPERLINK("http://evil.test")' } : {}),
        }),
      )
    }
    const all = await download('type=contacts')
    expect(all.status).toBe(200)
    expect(all.type).toMatch(/^text\/csv/)
    expect(all.disposition).toMatch(/^attachment; filename="?contacts\.csv"?$/)
    const rows = parse(all.text, { columns: true }) as Array<Record<string, string>>
    expect(rows).toHaveLength(130)
    expect(new Set(rows.map((r) => r.id)).size).toBe(130)
    expect(rows.find((r) => r.display_name === 'Customer B')?.tags).toBe('odd; route')
    const evil = rows.find((r) => r.display_name === 'Customer A') as Record<string, string>
    expect(Object.values(evil).some((v) => v.startsWith("'=HYPERLINK"))).toBe(true)
    const odd = parse((await download('type=contacts&tag=odd')).text, { columns: true })
    expect(odd).toHaveLength(65)
  })

  it('refuses what the caller may not read or sent wrong, in the envelope', async () => {
    const unknown = await download('type=nothing')
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.text).error.code).toBe('NOT_FOUND')
    const bad = await download('type=contacts&colour=red')
    expect(bad.status).toBe(400)
  })
})
