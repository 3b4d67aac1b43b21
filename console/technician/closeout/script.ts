import { browserScript } from '../../browser-script.js'

/**
 * The close-out pages' one inline script (console/browser/closeout.ts, bundled): steps without reloads, the half-filled
 * form kept, posts queued through a lost connection, card numbers and SSNs redacted as typed, photos in the background.
 */
export const CLOSEOUT_SCRIPT = browserScript('closeout')
