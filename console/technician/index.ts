import { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { mountCalendarPage } from './calendar-page.js'
import { mountCloseout } from './closeout/routes.js'
import { mountToday } from './today.js'
import { mountTicket } from './ticket.js'
import { mountServiceWorker } from './offline/service-worker.js'
import { mountPhotos } from './photos.js'

/** The technician's pages: Today (a day, week or month), a ticket, the close-out steps, their calendar link, and the service worker keeping copies for offline. */
export function technicianPages(services: Services): Router {
  const router = Router()
  mountToday(router, services)
  mountTicket(router, services)
  mountCloseout(router, services)
  mountPhotos(router, services)
  mountCalendarPage(router, services)
  mountServiceWorker(router)
  return router
}
