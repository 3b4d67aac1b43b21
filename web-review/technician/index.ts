import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { mountCloseout } from './closeout/routes.js'
import { mountToday } from './today.js'
import { mountTicket } from './ticket.js'

/** The technician's pages: Today, a ticket, and the close-out steps. */
export function technicianPages(services: Services): Router {
  const router = Router()
  mountToday(router, services)
  mountTicket(router, services)
  mountCloseout(router, services)
  return router
}
