import { browserScript } from '../../browser-script.js'

/**
 * The Today and ticket pages' inline script (console/browser/technician-pages.ts, bundled): the service worker
 * registered, the clock buttons sent through the close-out's queue, photos in the background.
 */
export const OFFLINE_PAGE_SCRIPT = browserScript('technician-pages')
