// The texts domain: a second channel to customers through Twilio, with their consent. The registry finds this folder and registers what this file exports.
import { defineDomain, handle } from '../../kernel/domain-manifest.js'
import { textsCapability } from './capability.js'
import { consentFromRequest } from './request-consent.js'
import { photosFromLeadTexts } from './photos-of-leads.js'
export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'documents', 'interactions', 'leads', 'messages', 'settings', 'tickets'],
  tables: ['text_consents', 'text_opt_outs', 'text_settings', 'text_messages', 'text_media'],
  area: 'Emails to customers',
  capability: textsCapability,
  events: [handle('lead.converted', 'in_transaction', consentFromRequest), handle('lead.converted', 'in_transaction', photosFromLeadTexts)],
})
