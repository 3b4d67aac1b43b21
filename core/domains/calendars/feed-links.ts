import { defineSecretLink } from '../../links/secret-link.js'

/** A calendar feed's address, /calendar/<secret>.ics: it works until the owner revokes it, each fetch stamped. */
export const CALENDAR_FEED_LINK = defineSecretLink({
  kind: 'calendar_feed',
  table: 'calendar_feeds',
  opens: 'the tickets of a technician, or of the business',
  lives: 'forever',
  use: 'counted',
  stamps: 'last_fetched_at',
})
