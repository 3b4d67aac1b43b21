import { Router } from 'express'
import { viewHelloLink } from '../../core/domains/reach-outs/hello-links.js'
import { defineCustomerPage } from './page-declaration.js'

/** A throwaway page that greets a customer. */
export const helloPage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: true,
  routes: (services, guesses) => {
    const router = Router()
    router.get('/hello/:secret', async (req, res) => {
      const name = await viewHelloLink(services, req.params.secret)
      if (!name) {
        await guesses.unknown(req)
        res.status(404).type('text/plain').send('Not found\n')
        return
      }
      res.type('text/plain').send(`Hello ${name}\n`)
    })
    return router
  },
})
