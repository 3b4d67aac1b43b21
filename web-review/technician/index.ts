import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { mountCalendarPage } from './calendar-page.js'
import { mountCloseout } from './closeout/routes.js'
import { mountToday } from './today.js'
import { mountTicket } from './ticket.js'

/** The technician's pages: Today (a day, week or month), a ticket, the close-out steps, and their calendar link. */
export function technicianPages(services: Services): Router {
  const router = Router()
  mountToday(router, services)
  mountTicket(router, services)
  mountCloseout(router, services)
  mountCalendarPage(router, services)
  return router
}
