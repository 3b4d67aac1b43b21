/**
 * The technician pages' queue of form posts that could not reach the server (the close-out's and the Today and ticket
 * pages'). One queue in localStorage, sent in order, one at a time, again when the connection returns; each post keeps
 * its one-time token, so one the server already ran is answered from its stored answer instead of running twice; a
 * post that says when it was made (item.at, a clock press) is kept with that time, so it counts from the press, not
 * from the replay (a live post leaves the time to the server's clock).
 */

/** One form post: where it goes, its urlencoded body, and the page it was made on. */
export interface QueuedPost {
  url: string
  body: string
  path: string
  /** When it was made, sent with it once it had to wait (a clock press). */
  at?: string
  ticket?: string
  kind?: string
  note?: string
}

/** What the page that uses the queue does when a post was answered, or could not be sent. */
export interface QueueHooks {
  answered(item: QueuedPost, text: string, response: Response): void
  offline(): void
}

/** The queue as a page drives it. */
export interface PostQueue {
  /** A post is on its way: the next waits for it. */
  busy: boolean
  items(): QueuedPost[]
  put(items: QueuedPost[]): void
  send(item: QueuedPost): Promise<void>
  flush(): void
}

const QUEUE_KEY = 'closeout-queue'

/** Where a page's half-filled form is kept, by the page's path. */
export const DRAFT_KEY = 'closeout-draft:'

/** Reads a key of localStorage, or writes it (null removes it); a phone that refuses storage just keeps nothing. */
export function stored(key: string, value?: string | null): string | null {
  try {
    if (value === undefined) return localStorage.getItem(key)
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, value)
  } catch {}
  return null
}

/** Starts the queue: it is sent again every few seconds and whenever the phone is back online. */
export function postQueue(hooks: QueueHooks): PostQueue {
  const queue: PostQueue = {
    busy: false,
    items() {
      try {
        return JSON.parse(stored(QUEUE_KEY) || '[]') as QueuedPost[]
      } catch {
        return []
      }
    },
    put(items) {
      stored(QUEUE_KEY, items.length ? JSON.stringify(items) : null)
    },
    send(item) {
      return fetch(item.url, {
        method: 'POST',
        body: item.body,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-closeout-fetch': '1' },
      }).then(
        (r) =>
          r.text().then((t) => {
            queue.put(queue.items().filter((i) => i.body !== item.body))
            stored(DRAFT_KEY + item.path, null)
            hooks.answered(item, t, r)
          }),
        () => {
          const q = queue.items()
          if (!q.some((i) => i.body === item.body)) {
            if (item.at) item.body += `&at=${encodeURIComponent(item.at)}`
            q.push(item)
          }
          queue.put(q)
          hooks.offline()
        },
      )
    },
    flush() {
      const q = queue.items()
      if (queue.busy || !q.length) return
      queue.busy = true
      hooks.offline()
      void queue.send(q[0]).then(() => {
        queue.busy = false
        if (queue.items().length < q.length) queue.flush()
      })
    },
  }
  addEventListener('online', () => queue.flush())
  setInterval(() => queue.flush(), 3000)
  return queue
}
