/** Where Twilio posts the texts customers send to the business's number. */
export const INBOUND_WEBHOOK_PATH = '/api/webhooks/texts'
/** Where Twilio posts how each text's delivery went. */
export const STATUS_WEBHOOK_PATH = '/api/webhooks/texts/status'
