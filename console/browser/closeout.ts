/**
 * The close-out pages' one inline script; everything works without it. It switches steps without reloads (the form
 * is POSTed with fetch and the answer's <main> swapped in), keeps a half-filled form in localStorage, queues a submit
 * that could not reach the server and sends it again (same one-time token, so it runs once) when the connection
 * returns (one queue with the clock buttons, queue.ts), and replaces a card number or SSN typed into a text field with
 * [REDACTED] when the field loses focus, by the server's own rules (core/kernel/redact.ts). The photo forms' script follows.
 */
import { REDACTED, redactSensitive, type SensitiveKind } from '../../core/kernel/redact.js'
import { enhancePhotoForms } from './photo.js'
import { DRAFT_KEY, postQueue, stored, type QueuedPost } from './queue.js'

/** A field of a form (input, textarea, select, button), as far as this script reads it. */
type Field = HTMLInputElement

const main = () => document.querySelector('main') as HTMLElement
const closeoutForm = () => main().querySelector<HTMLFormElement>('form[data-closeout]')
const fieldsOf = (f: HTMLFormElement) => Array.from(f.elements) as Field[]

/** Whether a field is kept in the draft: what the technician typed or chose, never the form's tokens. */
function kept(e: Field): boolean {
  return (
    Boolean(e.name) &&
    e.name !== '_csrf' &&
    e.name !== '_once' &&
    e.tagName !== 'BUTTON' &&
    (e.type !== 'hidden' || /^page_redactions/.test(e.name))
  )
}

/** A kept field: name, value, and whether it is checked (null for a field that is not a box). */
type DraftField = [string, string, boolean | null]

function saveDraft(): void {
  const f = closeoutForm()
  if (!f) return
  const draft: DraftField[] = fieldsOf(f)
    .filter(kept)
    .map((e) => [e.name, e.value, e.type === 'checkbox' || e.type === 'radio' ? e.checked : null])
  stored(DRAFT_KEY + location.pathname, JSON.stringify(draft))
}

function restoreDraft(): void {
  const f = closeoutForm()
  const raw = stored(DRAFT_KEY + location.pathname)
  if (!f || !raw) return
  try {
    for (const [name, value, checked] of JSON.parse(raw) as DraftField[]) {
      for (const e of fieldsOf(f)) {
        if (e.name !== name || !kept(e)) continue
        if (checked === null) e.value = value
        else if (e.value === value) e.checked = checked
      }
    }
  } catch {}
}

/** Redacts a card number or SSN in a field marked data-redact, counts it for the server, and says so beside the field. */
function redactField(target: EventTarget | null): void {
  const e = target as Field | null
  if (!e?.matches?.('[data-redact]')) return
  const { text, findings } = redactSensitive(e.value)
  if (!findings.length) return
  e.value = text
  const count = (kind: SensitiveKind) => findings.find((x) => x.kind === kind)?.count ?? 0
  for (const kind of ['card', 'ssn'] as const) {
    const hidden = e.form?.querySelector<HTMLInputElement>(`[name=page_redactions_${kind}]`)
    if (hidden) hidden.value = String((Number(hidden.value) || 0) + count(kind))
  }
  const warning = document.createElement('p')
  warning.className = 'err'
  warning.setAttribute('role', 'alert')
  warning.textContent = `${count('card') ? 'A card number' : 'A social security number'} was removed and replaced by ${REDACTED}. Never write payment or ID numbers here.`
  e.insertAdjacentElement('afterend', warning)
  saveDraft()
}

/** Shows a step from the server's answer: its <main>, title and address (a page without <main> is loaded whole). */
function show(html: string, url?: string): void {
  const doc = new DOMParser().parseFromString(html, 'text/html')
  const answer = doc.querySelector('main')
  if (!answer) {
    location.href = url || location.href
    return
  }
  main().innerHTML = answer.innerHTML
  document.title = doc.title
  if (url && url !== location.href) history.pushState({}, '', url)
  restoreDraft()
  scrollTo(0, 0)
}

/** The address of the page an answer is (the server names it when it answered a POST with a step). */
function addressOf(r: Response): string {
  const named = r.headers.get('x-page-url')
  return named ? new URL(named, location.href).href : r.url
}

const queue = postQueue({
  answered(item: QueuedPost, text: string, r: Response) {
    if (/\/closeout\//.test(item.url)) show(text, addressOf(r))
  },
  offline() {
    const notice = document.getElementById('offline')
    if (notice) notice.style.display = 'block'
  },
})

document.addEventListener('submit', (ev) => {
  const f = ev.target as HTMLFormElement
  if (!f.hasAttribute('data-closeout')) return
  ev.preventDefault()
  f.querySelectorAll('[data-redact]').forEach(redactField)
  const fd = new FormData(f)
  const button = (ev as SubmitEvent).submitter as HTMLButtonElement | null
  if (button?.name) fd.append(button.name, button.value)
  for (const b of Array.from(f.querySelectorAll('button'))) b.disabled = true
  queue.busy = true
  void queue
    .send({ url: f.action, body: new URLSearchParams(fd as unknown as Record<string, string>).toString(), path: location.pathname })
    .then(() => {
      queue.busy = false
    })
})
document.addEventListener('focusout', (e) => redactField(e.target))
document.addEventListener('input', saveDraft)
document.addEventListener('change', saveDraft)
addEventListener('popstate', () => {
  fetch(location.href, { credentials: 'same-origin', headers: { 'x-closeout-fetch': '1' } }).then(
    (r) => r.text().then((t) => show(t)),
    () => location.reload(),
  )
})
restoreDraft()
queue.flush()
enhancePhotoForms()
