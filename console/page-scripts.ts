import { CLOSEOUT_SCRIPT } from './technician/closeout/script.js'
import { OFFLINE_PAGE_SCRIPT } from './technician/offline/page-script.js'
import { SEARCH_SCRIPT } from './owner/search-script.js'

/** Every inline script a page may carry (each page file exports its own); the Content-Security-Policy allows each by its hash. */
export const PAGE_SCRIPTS: readonly string[] = [CLOSEOUT_SCRIPT, OFFLINE_PAGE_SCRIPT, SEARCH_SCRIPT]
