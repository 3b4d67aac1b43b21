import { describe, expect, it } from 'vitest'
import { form, html, joinHtml, SafeHtml, trustedHtml } from '../../console/html.js'
import { encodingFor } from '../../console/send-page.js'

const SCRIPT = '<script>alert(1)</script>'
const BREAKOUT = '"><img src=x onerror=alert(1)>'

describe('the html tag', () => {
  it('escapes every inserted text, in content and in quoted attribute values', () => {
    expect(String(html`<p>${SCRIPT}</p>`)).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    expect(String(html`<input value="${BREAKOUT}">`)).toBe('<input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">')
    expect(String(html`<input value='${"' autofocus onfocus='alert(1)"}'>`)).toBe("<input value='&#39; autofocus onfocus=&#39;alert(1)'>")
    expect(String(html`<p>${"Tom & Jerry's"}</p>`)).toBe('<p>Tom &amp; Jerry&#39;s</p>')
  })

  it('inserts markup made by the tag, and lists of it, as they are; nothing for false, null and undefined', () => {
    const item = (name: string) => html`<li>${name}</li>`
    expect(String(html`<ul>${['a', '<b>'].map(item)}</ul>`)).toBe('<ul><li>a</li><li>&lt;b&gt;</li></ul>')
    expect(String(html`<p>${false}${null}${undefined}${0}</p>`)).toBe('<p>0</p>')
    expect(String(html`<div>${html`<b>${'<i>'}</b>`}</div>`)).toBe('<div><b>&lt;i&gt;</b></div>')
  })

  it('takes raw markup only through trustedHtml, and a look-alike object is escaped as text', () => {
    expect(String(html`<style>${trustedHtml('p>a{color:red}')}</style>`)).toBe('<style>p>a{color:red}</style>')
    const fake = { toString: () => SCRIPT }
    expect(String(html`<p>${fake as unknown as string}</p>`)).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    expect(() => new SafeHtml(Symbol('safe-html'), SCRIPT)).toThrow(/html tag or trustedHtml/)
  })

  it('refuses an unquoted attribute value, whose spaces could add attributes, but not an = inside a quoted one', () => {
    expect(() => html`<input value=${'x onfocus=alert(1)'}>`).toThrow(/quote the attribute value/)
    expect(String(html`<a href="/today?view=week&amp;date=${'2026-11-05'}">`)).toBe('<a href="/today?view=week&amp;date=2026-11-05">')
  })

  it('turns a link to javascript: or data: into "#", and keeps web, tel, webcal, mailto and relative addresses', () => {
    expect(String(html`<a href="${'javascript:alert(1)'}">`)).toBe('<a href="#">')
    expect(String(html`<a href="${' JavaScript:alert(1)'}">`)).toBe('<a href="#">')
    expect(String(html`<form action="${'data:text/html,<b>'}">`)).toBe('<form action="#">')
    expect(String(html`<img src='${'javascript:alert(1)'}'>`)).toBe("<img src='#'>")
    for (const url of [
      'https://checkout.stripe.com/c/pay/x?a=1&b=2',
      'webcal://crm.test/cal.ics',
      'tel:+12565550142',
      '/tickets/1',
      '?cursor=abc',
    ]) {
      expect(String(html`<a href="${url}">`)).toBe(`<a href="${url.replace(/&/g, '&amp;')}">`)
    }
  })

  it('joins parts with a separator, each part escaped', () => {
    expect(String(joinHtml(['a<', 'b'], html`<br>`))).toBe('a&lt;<br>b')
    expect(String(joinHtml([], html`<br>`))).toBe('')
  })

  it('form carries the CSRF token, escaped, and posts to the given path', () => {
    expect(String(form('/review/1', 'to"ken', html`<button>Go</button>`, html` data-closeout`))).toBe(
      '<form method="post" action="/review/1" data-closeout><input type="hidden" name="_csrf" value="to&quot;ken"><button>Go</button></form>',
    )
  })
})

describe('the encoding a page is sent in', () => {
  it('is brotli when accepted, else gzip, and none when refused with q=0 or not offered', () => {
    expect(encodingFor('gzip, deflate, br, zstd')).toBe('br')
    expect(encodingFor('gzip')).toBe('gzip')
    expect(encodingFor('br;q=0, gzip;q=0.5')).toBe('gzip')
    expect(encodingFor('gzip;q=0')).toBeNull()
    expect(encodingFor('identity')).toBeNull()
    expect(encodingFor('')).toBeNull()
    expect(encodingFor('*')).toBe('gzip')
  })
})
