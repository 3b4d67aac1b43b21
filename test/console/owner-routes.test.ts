import type { Router } from 'express'
import { describe, expect, it } from 'vitest'
import type { Services } from '../../core/kernel/context.js'
import { ownerConsolePages } from '../../console/owner/index.js'

/** One route as Express holds it inside a page file's router. */
interface RouteLayer {
  route: { path: string; methods: Record<string, boolean> }
  match(path: string): boolean
}

/** Every route of the owner's pages, in the order Express tries them. */
function routesInOrder(router: Router): RouteLayer[] {
  const pages = (router as unknown as { stack: Array<{ handle: { stack?: unknown[] } }> }).stack
  return pages.flatMap((page) => (page.handle.stack ?? []) as Array<Partial<RouteLayer>>).filter((l): l is RouteLayer => !!l.route)
}

describe("the owner's pages, found by their files", () => {
  // Routers are only built here, never asked: a page file's routes need no running services to exist.
  const routes = routesInOrder(ownerConsolePages({} as Services))

  it('mounts the pages of every domain folder, the merge page and the queue among them', () => {
    const paths = new Set(routes.map((r) => r.route.path))
    for (const path of [
      '/',
      '/customers/merge',
      '/customers/:id',
      '/review',
      '/review/permissions',
      '/messages/outbox',
      '/import',
      '/leads/new',
    ])
      expect(paths, path).toContain(path)
  })

  it("never lets an earlier file's route with a parameter take a later page's fixed path", () => {
    const shadowed: string[] = []
    for (const layer of routes) {
      const path = layer.route.path
      if (/[:*{]/.test(path)) continue
      for (const method of Object.keys(layer.route.methods)) {
        const first = routes.find((r) => r.route.methods[method] && r.match(path))
        if (first !== layer) shadowed.push(`${method.toUpperCase()} ${path} is taken by ${first?.route.path}`)
      }
    }
    expect(shadowed).toEqual([])
  })
})
