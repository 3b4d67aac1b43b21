import { Router } from 'express'

/** Where the product's icon is served; MCP clients show it beside the server's name. */
export const ICON_PATH = '/icon.svg'

/** A calendar page with a check mark: appointments, done. Plain shapes only, nothing that runs. */
export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">' +
  '<rect x="6" y="10" width="52" height="48" rx="8" fill="#1f6feb"/>' +
  '<rect x="6" y="10" width="52" height="14" rx="8" fill="#0b3d91"/>' +
  '<rect x="18" y="4" width="6" height="14" rx="3" fill="#0b3d91"/><rect x="40" y="4" width="6" height="14" rx="3" fill="#0b3d91"/>' +
  '<path d="M20 40l8 8 16-18" fill="none" stroke="#ffffff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>' +
  '</svg>'

/** GET /icon.svg, public: it names no business and holds no data. */
export function iconRoutes(): Router {
  const router = Router()
  router.get(ICON_PATH, (_req, res) => {
    // An MCP client's page on another origin shows it in an <img>, which same-origin would block.
    res.set({ 'Content-Type': 'image/svg+xml', 'Cross-Origin-Resource-Policy': 'cross-origin' })
    res.send(ICON_SVG)
  })
  return router
}
