/**
 * The "Add photo" forms' script, on the ticket and close-out pages; the forms work without it. A photo is sent in the
 * background with fetch, so the page (and the close-out on it) stays in use while it goes; a send that finds no
 * connection or a server error is tried again, with the same one-time token, for a few minutes. The status line says
 * where it stands. The form gets a fresh token for the next photo once this one is on its way.
 */

/** A fresh one-time token: 16 random bytes in hex. */
export function oneTimeToken(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => `0${b.toString(16)}`.slice(-2)).join('')
}

/** Sends every photo form of the page in the background. */
export function enhancePhotoForms(): void {
  if (!window.fetch || !window.FormData) return
  document.addEventListener('submit', (ev) => {
    const f = ev.target as HTMLFormElement
    if (!f.hasAttribute?.('data-photo')) return
    ev.preventDefault()
    const fd = new FormData(f)
    let tries = 0
    const status = document.createElement('p')
    status.className = 'muted'
    status.setAttribute('role', 'status')
    f.appendChild(status)
    const key = f.querySelector<HTMLInputElement>('[name=_once]')
    f.reset()
    if (key) key.value = oneTimeToken()
    const say = (text: string) => {
      status.textContent = text
    }
    const send = (): void => {
      tries++
      say('Sending the photo…')
      fetch(f.action, { method: 'POST', body: fd, credentials: 'same-origin', redirect: 'manual' })
        .then((r) => {
          if (r.ok || r.type === 'opaqueredirect' || (r.status >= 300 && r.status < 400)) return say('Photo added.')
          if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429)
            return say(r.status === 413 ? 'Photo not added: the file is too large.' : 'Photo not added: it was refused.')
          throw new Error(String(r.status))
        })
        .catch(() => {
          if (tries < 8) {
            say('No connection: the photo will be sent again by itself.')
            setTimeout(send, Math.min(60000, 2000 * 2 ** tries))
          } else say('The photo could not be sent. Choose it again when there is signal.')
        })
    }
    send()
  })
}
