import { html, type SafeHtml } from './html.js'

/** The only pages a sign-in may lead back to: the consent page of an app asking to connect. */
const RETURN_PATH = /^\/oauth\/authorize\?[^\s\\]*$/

/** A path to open after signing in, or null: only this server's consent page, so a link cannot send anyone elsewhere. */
export function returnPathAfterSignIn(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 4000 && RETURN_PATH.test(value) ? value : null
}

/**
 * The page a sign-in link opens: one "Sign in" button that posts the link's secret. Opening the link (a mail scanner's
 * GET, a HEAD) uses nothing up; only the person's press does. A browser already signed in sends its CSRF token along.
 * A link asked for from a consent page carries that page along, to return to it.
 */
export function signInLinkForm(token: string, csrf?: string, next?: string | null): SafeHtml {
  return html`<p>Press the button to sign in on this device. The link works once.</p>
<form method="post" action="/auth/verify"><input type="hidden" name="token" value="${token}">${
    csrf ? html`<input type="hidden" name="_csrf" value="${csrf}">` : ''
  }${next ? html`<input type="hidden" name="next" value="${next}">` : ''}<button>Sign in</button></form>`
}
