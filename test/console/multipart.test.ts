import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { multipartBody, type UploadedFile } from '../../console/multipart.js'

/** A part of a form: a field, or a file when it has a filename. */
function part(name: string, value: string, file?: { filename: string; type?: string }): string {
  const disposition = `Content-Disposition: form-data; name="${name}"${file ? `; filename="${file.filename}"` : ''}`
  return `--XX\r\n${disposition}\r\n${file?.type ? `Content-Type: ${file.type}\r\n` : ''}\r\n${value}\r\n`
}

describe('reading a form posted as multipart/form-data', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>
  let base: string
  beforeAll(() => {
    const app = express()
    app.post('/form', multipartBody(1000), (req, res) => {
      const { _files, ...fields } = req.body as { _files: Record<string, UploadedFile> }
      const files = Object.fromEntries(
        Object.entries(_files).map(([k, f]) => [k, { filename: f.filename, text: f.text, type: f.contentType }]),
      )
      res.json({ fields, files })
    })
    server = app.listen(0)
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => server.close())
  const post = (body: string) =>
    fetch(`${base}/form`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XX' }, body })

  it('gives fields as text (a repeated one as a list, "__proto__" as any other) and files by field name, names as sent', async () => {
    const body = [
      part('a', '1'),
      part('a', '2'),
      part('__proto__', 'p'),
      part('f', 'x,y', { filename: 'Résumé.csv', type: 'text/csv' }),
      part('g', 'z', { filename: 'C:\\dir\\a.txt', type: 'text/plain' }),
    ].join('')
    const res = await post(`${body}--XX--\r\n`)
    expect(res.status).toBe(200)
    const read = (await res.json()) as { fields: unknown; files: unknown }
    expect(read.fields).toEqual({ a: ['1', '2'], ['__proto__']: 'p' })
    expect(read.files).toEqual({
      f: { filename: 'Résumé.csv', text: 'x,y', type: 'text/csv' },
      g: { filename: 'C:\\dir\\a.txt', text: 'z', type: 'text/plain' },
    })
  })

  it('answers a form it cannot read with 400 and a page saying so, never a 500', async () => {
    for (const body of ['no boundary at all', '', `${part('a', '1')}`, '--XX\r\nno headers here']) {
      const res = await post(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(await res.text()).toMatch(/The form could not be read/)
    }
  })

  it('answers a body over the limit with 413 and a page naming the limit', async () => {
    const res = await post(`${part('f', 'x'.repeat(5000), { filename: 'big.csv' })}--XX--\r\n`)
    expect(res.status).toBe(413)
    expect(await res.text()).toMatch(/File too large/)
  })
})
