import { Router } from 'express'
import { callAction } from '../../../core/kernel/call-action.js'
import type { Services } from '../../../core/kernel/context.js'
import { removeCard, requestCard, setAutopay } from '../../../core/domains/autopay/actions.js'
import { field } from '../../form-kit.js'
import { ownerRoute } from '../owner-route.js'

/** Where the card forms of a customer's page return to. */
const BACK = /^\/customers\/[0-9a-f-]{36}$/

/** The card forms on a customer's page: ask for a card, turn autopay on or off, remove the card; each returns to the page. */
export function cardFormPages(services: Services): Router {
  const router = Router()
  const back = (body: unknown, done: string) => {
    const to = field(body, 'back')
    return `${BACK.test(to) ? to : '/payments/failed'}?done=${done}`
  }
  router.post(
    '/cards/ask',
    ownerRoute(services, async ({ req, res, caller }) => {
      await callAction(caller, requestCard, { contact_id: field(req.body, 'contact_id') })
      res.redirect(303, back(req.body, 'card_asked'))
    }),
  )
  router.post(
    '/cards/autopay',
    ownerRoute(services, async ({ req, res, caller }) => {
      await callAction(caller, setAutopay, { contact_id: field(req.body, 'contact_id'), autopay: field(req.body, 'autopay') === 'on' })
      res.redirect(303, back(req.body, 'saved'))
    }),
  )
  router.post(
    '/cards/remove',
    ownerRoute(services, async ({ req, res, caller }) => {
      await callAction(caller, removeCard, { contact_id: field(req.body, 'contact_id') })
      res.redirect(303, back(req.body, 'saved'))
    }),
  )
  return router
}
