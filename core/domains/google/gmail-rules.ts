import type { GmailMessageResource } from './gmail-message.js'

/** Gmail's tabs for bulk mail: what lands there is not a person writing to the business. */
const BULK_CATEGORIES = ['CATEGORY_PROMOTIONS', 'CATEGORY_SOCIAL', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS']

/** Labels whose messages are never read: drafts, spam, the bin and chats. */
export const NEVER_READ_LABELS = ['DRAFT', 'SPAM', 'TRASH', 'CHAT']

/** 'newsletter' for a message in Gmail's Promotions, Social, Updates or Forums tab, else null (its headers say the rest). */
export function bulkTabReason(message: GmailMessageResource): string | null {
  return (message.labelIds ?? []).some((l) => BULK_CATEGORIES.includes(l)) ? 'newsletter' : null
}
