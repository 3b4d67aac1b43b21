import { html, type SafeHtml } from './html.js'

/**
 * The page a sign-in link opens: one "Sign in" button that posts the link's secret. Opening the link (a mail scanner's
 * GET, a HEAD) uses nothing up; only the person's press does. A browser already signed in sends its CSRF token along.
 */
export function signInLinkForm(token: string, csrf?: string): SafeHtml {
  return html`<p>Press the button to sign in on this device. The link works once.</p>
<form method="post" action="/auth/verify"><input type="hidden" name="token" value="${token}">${
  csrf ? html`<input type="hidden" name="_csrf" value="${csrf}">` : ''}<button>Sign in</button></form>`
}
