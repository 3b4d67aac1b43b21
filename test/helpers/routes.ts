import type { Express } from 'express'

/** Every method and path the app routes, read from its router (parameters left as :name). */
export function routesOf(app: Express): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = []
  const walk = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          out.push({ method: method.toUpperCase(), path: prefix + layer.route.path })
        if (layer.route.methods._all) out.push({ method: 'POST', path: prefix + layer.route.path })
      } else if (Array.isArray(layer.handle?.stack)) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''))
      }
    }
  }
  walk((app as any).router.stack, '')
  return out.filter((r, i) => out.findIndex((o) => o.method === r.method && o.path === r.path) === i)
}
