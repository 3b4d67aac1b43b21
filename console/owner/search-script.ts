import { browserScript } from '../browser-script.js'

// Read once at start: the Content-Security-Policy hashes it while the page modules are still loading.
/** The search's keys and results as you type, on every page that carries it (console/browser/search.ts, bundled). */
export const SEARCH_SCRIPT = browserScript('search')
