import { z } from 'zod'
import type { CursorType } from '../../kernel/pagination.js'
import { timestamp } from '../../kernel/output-types.js'
import { contactVisits } from './visit-source.js'

/** How the contacts list sorts: the SQL sort key, its cursor type and direction. */
export const CONTACT_ORDERS: Record<
  'created' | 'name' | 'last_visit',
  { key: string; type: CursorType; direction: 'asc' | 'desc'; after: '>' | '<' }
> = {
  created: { key: 'c.created_at', type: 'timestamptz', direction: 'asc', after: '>' },
  name: { key: 'lower(c.display_name)', type: 'text', direction: 'asc', after: '>' },
  last_visit: {
    // Read when the list sorts: the domain that keeps visits registers it after this module loads.
    get key() {
      return contactVisits().lastVisitStart
    },
    type: 'timestamptz',
    direction: 'desc',
    after: '<',
  },
}

const VISIT = z.object({ ticket_id: z.uuid(), number: z.number().int(), scheduled_start: timestamp })

/** include=visits: the next booked visit and the latest completed one. */
export const CONTACT_VISITS = z.object({ next_visit: VISIT.nullable(), last_visit: VISIT.nullable() })
