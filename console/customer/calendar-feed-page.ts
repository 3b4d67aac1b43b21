import { createHash } from 'node:crypto'
import { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { openCalendarFeed } from '../../core/domains/calendars/feed.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import { createRateLimiter, type RateLimiter } from '../../core/http/rate-limit.js'
import { defineCustomerPage } from './page-declaration.js'

/** Fetches of one feed allowed in each window (a calendar polls hourly at most). */
const LIMITS = { fetchesPerFeed: 60, windowMs: 15 * 60 * 1000 }

/** Sixty fetches per feed in fifteen minutes. */
export function calendarFetchLimit(services: Services): RateLimiter {
  return createRateLimiter(services.db, 'calendar-feed', LIMITS.fetchesPerFeed, LIMITS.windowMs)
}

/**
 * GET /calendar/<secret>.ics, the address a phone's calendar subscribes to: the feed as text/calendar, or 304 when the
 * calendar's copy is current. Public: the secret is the credential, so an unknown or revoked one is a bare 404, counted
 * with the client's other unknown links.
 */
export function calendarFeedRoutes(
  services: Services,
  guesses: LinkGuesses,
  fetchesPerFeed: RateLimiter = calendarFetchLimit(services),
): Router {
  const router = Router()
  router.get('/calendar/:file', async (req, res) => {
    const secret = /^(.+)\.ics$/.exec(String(req.params.file))?.[1] ?? ''
    // Counted before the work of building the feed, by a digest so no secret is kept.
    await fetchesPerFeed.hit(createHash('sha256').update(secret).digest('base64url'), 'fetches of this calendar')
    const feed = await openCalendarFeed(services, secret)
    if (!feed) {
      await guesses.unknown(req)
      res.status(404).type('text/plain').send('Not found\n')
      return
    }
    res.set({ 'cache-control': 'private, no-cache', etag: feed.etag, 'last-modified': feed.lastModified.toUTCString() })
    // Only the content's own validator decides, never If-Modified-Since: a ticket taken off a technician changes their
    // feed without any newer change time. (res.send would also answer If-Modified-Since, so the body goes out by res.end.)
    const held = req
      .get('if-none-match')
      ?.split(',')
      .map((v) => v.trim().replace(/^W\//, ''))
    if (held?.includes(feed.etag) || held?.includes('*')) {
      res.status(304).end()
      return
    }
    const body = Buffer.from(feed.body, 'utf8')
    res
      .status(200)
      .set({ 'content-type': 'text/calendar; charset=utf-8', 'content-length': String(body.length) })
      .end(body)
  })
  return router
}

/** A calendar feed, fetched by calendars that send no body worth reading. */
export const calendarFeedPage = defineCustomerPage({
  mount: 'before_bodies',
  countsGuesses: true,
  routes: calendarFeedRoutes,
})
