import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHttpFloor, type HttpFloor } from '../../bench/http-floor.js'

describe("the bench's HTTP floor", () => {
  let floor: HttpFloor
  const ran: Array<[number, string]> = []

  beforeAll(async () => {
    floor = await startHttpFloor(async (i, u) => {
      if (u === 'fail') throw new Error('the statement failed')
      ran.push([i, u])
    })
  })
  afterAll(() => floor.close())

  const post = (body: string) => fetch(floor.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })

  it('runs the write of the request named in the body, then answers a small envelope', async () => {
    const res = await post(JSON.stringify({ i: 7, u: 'floorn12' }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ success: true, data: { ok: true }, error: null })
    expect(ran).toEqual([[7, 'floorn12']])
  })

  it('answers 500 with the message when the write fails, and 400 without running anything for a body it cannot read', async () => {
    const failed = await post(JSON.stringify({ i: 1, u: 'fail' }))
    expect(failed.status).toBe(500)
    expect(await failed.json()).toEqual({ error: 'the statement failed' })
    for (const body of ['not json', JSON.stringify({ i: '1', u: 'x' }), JSON.stringify({ i: 1 })]) {
      const res = await post(body)
      expect(res.status).toBe(400)
    }
    expect(ran).toHaveLength(1)
  })
})
