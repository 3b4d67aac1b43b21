/** Proof that a SafeHtml was made here: by the html tag or trustedHtml, never by a page's own string. */
const MINT = Symbol('safe-html')

/** Markup that may go into a page as it is: made only by the `html` tag (which escapes what it inserts) or by trustedHtml. */
export class SafeHtml {
  readonly #markup: string

  constructor(mint: symbol, markup: string) {
    if (mint !== MINT) throw new Error('SafeHtml is made by the html tag or trustedHtml only')
    this.#markup = markup
  }

  /** The markup, to send. */
  toString(): string {
    return this.#markup
  }
}

/** What a page may insert into the html tag: text (escaped), numbers, markup made by the tag, lists of these; false, null and undefined insert nothing. */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[]

/** Schemes a link, a form or an image may point at; anything else (javascript:, data:) is replaced by "#". */
const SAFE_URL = /^(?:[/?#.]|https?:|webcal:|tel:|mailto:|[^:]*$)/i

/** Text as element content or an attribute value: & < > " ' become entities, so it can close neither a tag nor a quote. */
function escapeText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

function markupOf(value: HtmlValue, inUrl: boolean): string {
  if (value instanceof SafeHtml) return value.toString()
  if (Array.isArray(value)) return value.map((v) => markupOf(v, inUrl)).join('')
  if (value === null || value === undefined || value === false) return ''
  const text = String(value)
  return escapeText(inUrl && !SAFE_URL.test(text.trim()) ? '#' : text)
}

/**
 * The page template tag: html`<p>${name}</p>`. Every inserted text is escaped (also inside attribute values, which must
 * be quoted: an unquoted one throws); SafeHtml and lists of it go in as they are; an href, src or action that is not a
 * web, tel, mailto or relative address becomes "#".
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]
  for (let i = 0; i < values.length; i++) {
    const before = strings[i]
    if (/\s[a-zA-Z_:][-\w:.]*=\s*$/.test(before)) throw new Error(`html: quote the attribute value inserted after "${before.slice(-40)}"`)
    out += markupOf(values[i], /\b(?:href|src|action|formaction)=["']$/i.test(before)) + strings[i + 1]
  }
  return new SafeHtml(MINT, out)
}

/** Markup written by us and taken as it is, never text from a record or a request: the inline stylesheet and script. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(MINT, markup)
}

/** Parts joined by a separator, e.g. lines joined by <br>. */
export function joinHtml(parts: readonly HtmlValue[], separator: SafeHtml): SafeHtml {
  return html`${parts.flatMap((p, i) => (i ? [separator, p] : [p]))}`
}

/** Markup for a page's body or a form's inside: made by the tag, never a plain string (which would show its tags as text). */
export type HtmlContent = SafeHtml | readonly SafeHtml[]

/** A POST form with the session's CSRF token; `attrs` adds attributes to the form tag, e.g. html` data-closeout`. */
export function form(action: string, csrf: string, inner: HtmlContent, attrs: SafeHtml = html``): SafeHtml {
  return html`<form method="post" action="${action}"${attrs}><input type="hidden" name="_csrf" value="${csrf}">${inner}</form>`
}

/** The sign-in form: an email address in, a link out by email; `next` is the page the link leads back to. */
export function signInForm(next?: string): SafeHtml {
  return html`<form method="post" action="/auth/magic-link">${next ? html`<input type="hidden" name="next" value="${next}">` : ''}<label>Email<input type="email" name="email" required autocomplete="email"></label>
<button>Email me a sign-in link</button></form>`
}
