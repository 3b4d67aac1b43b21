/**
 * The Today and ticket pages' inline script; the pages work without it. It registers the service worker that keeps
 * copies of today's and tomorrow's pages for reading without signal (service-worker.ts), and sends the clock buttons
 * through the close-out's queue (queue.ts): a press with no signal is kept on the phone with the time it was pressed
 * and a fresh one-time token (a copy's token may be used already), shown as kept, and sent in order when the
 * connection returns. The photo forms' script follows.
 */
import { enhancePhotoForms, oneTimeToken } from './photo.js'
import { postQueue, type QueuedPost } from './queue.js'

const WORDS: Record<string, string> = { clock_in: 'Clocked in', clock_out: 'Clocked out' }

/** The body of the press being sent live, whose answer replaces the page (null once it was kept or answered). */
let pressed: string | null = null

if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {})

/** The ticket and kind of a clock form, read from where it posts. */
function clockOf(f: HTMLFormElement): { ticket: string; kind: string } | null {
  const m = (f.getAttribute('action') ?? '').match(/^\/tickets\/([^/]+)\/(clock_in|clock_out)$/)
  return m && { ticket: m[1], kind: m[2] }
}

/** The time now as hh:mm in the business's time zone (the phone's own if that one is unknown). */
function hhmm(timeZone: string | null): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timeZone as string }).format(
      new Date(),
    )
  } catch {
    return new Date().toTimeString().slice(0, 5)
  }
}

/** Shows each kept press above its ticket's clock button, and the button as the kept presses leave it. */
function mark(): void {
  const q = queue.items()
  for (const p of Array.from(document.querySelectorAll('[data-kept]'))) p.remove()
  for (const f of Array.from(document.querySelectorAll<HTMLFormElement>('form[data-clock]'))) {
    const c = clockOf(f)
    const button = f.querySelector('button') as HTMLButtonElement
    let last: string | null = null
    if (!c) continue
    for (const item of q) {
      if (item.ticket !== c.ticket || item.body === pressed) continue
      last = item.kind ?? null
      const p = document.createElement('p')
      p.className = 'warn'
      p.setAttribute('role', 'status')
      p.setAttribute('data-kept', '')
      p.textContent = `${item.note} \u2014 will be sent when back online`
      f.parentNode?.insertBefore(p, f)
    }
    if (last === 'clock_in') {
      f.setAttribute('action', `/tickets/${c.ticket}/clock_out`)
      button.textContent = 'Clock out'
      button.className = 'alt'
    }
    f.hidden = last === 'clock_out'
  }
}

const queue = postQueue({
  offline() {
    pressed = null
    mark()
  },
  answered(item: QueuedPost, text: string, r: Response) {
    if (!item.ticket) return
    if (r.status >= 400) {
      const answer = new DOMParser().parseFromString(text, 'text/html').querySelector('main')
      if (answer && item.body === pressed) {
        ;(document.querySelector('main') as HTMLElement).innerHTML = answer.innerHTML
        pressed = null
        mark()
        return
      }
    }
    if (queue.items().length) return
    if (item.body === pressed && r.status < 400) location.href = r.url
    else location.reload()
  },
})

document.addEventListener('submit', (ev) => {
  const f = ev.target as HTMLFormElement
  const c = clockOf(f)
  if (!f.hasAttribute('data-clock') || !c) return
  ev.preventDefault()
  const fd = new FormData(f)
  fd.set('_once', oneTimeToken())
  const item: QueuedPost = {
    url: f.getAttribute('action') as string,
    body: new URLSearchParams(fd as unknown as Record<string, string>).toString(),
    at: new Date().toISOString(),
    path: location.pathname,
    ticket: c.ticket,
    kind: c.kind,
    note: `${WORDS[c.kind]} at ${hhmm(f.getAttribute('data-clock'))}`,
  }
  const buttons = Array.from(f.querySelectorAll('button'))
  for (const b of buttons) b.disabled = true
  const done = () => {
    for (const b of buttons) b.disabled = false
  }
  if (queue.busy || queue.items().length) {
    item.body += `&at=${encodeURIComponent(item.at as string)}`
    queue.put(queue.items().concat([item]))
    mark()
    done()
    queue.flush()
    return
  }
  queue.busy = true
  pressed = item.body
  void queue.send(item).then(() => {
    queue.busy = false
    done()
  })
})
mark()
queue.flush()
enhancePhotoForms()
