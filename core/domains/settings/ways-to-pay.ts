import { paymentsOf } from '../../clients/payments.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import type { TenantSettings } from './model.js'

/** How a customer can pay the business's invoices: online (this server takes payments through Stripe), by its written instructions. */
export interface WaysToPay {
  online: boolean
  instructions: boolean
}

/** The ways the business's invoice emails offer to pay: a pay link when payments are on, the payment instructions when set. */
export function waysToPay(services: Pick<Services, 'integrations'>, settings: Pick<TenantSettings, 'payment_instructions'>): WaysToPay {
  return { online: Boolean(paymentsOf(services)), instructions: settings.payment_instructions.trim().length > 0 }
}

/** What to tell whoever would email an invoice that offers no way to pay. */
export const NO_WAY_TO_PAY =
  'Invoice emails of this business carry no way to pay: online payments are off and no payment instructions ' +
  'are set, so nothing was sent. The owner sets payment instructions in Settings (settings.update payment_instructions), such as ' +
  'who checks are payable to; then send the invoice.'

/**
 * Refuses to email an invoice the customer could not pay: an owner would not want one mailed. Nothing is sent, so the
 * sender (the agent through the API or MCP, the owner in the console, a technician at close-out) hears it at once.
 */
export function assertInvoicePayable(
  services: Pick<Services, 'integrations'>,
  settings: Pick<TenantSettings, 'payment_instructions'>,
): void {
  const ways = waysToPay(services, settings)
  if (!ways.online && !ways.instructions) {
    throw new AppError('CONFLICT', NO_WAY_TO_PAY, { field: 'payment_instructions', fix: 'settings.update payment_instructions' })
  }
}

/**
 * What every customer email and payment page says of how the business takes money, under the product's payment block:
 * only as that block (from the owner's settings) shows, and never by phone, with gift cards or into another account.
 * Customers of a business whose agent was fooled still have the truth in front of them. `shown` says where the block is.
 */
export function howWeTakeMoney(businessName: string, shown: 'above' | 'here' | 'on its invoices'): string {
  const where = shown === 'on its invoices' ? 'as its invoices show' : `as shown ${shown}`
  return `${businessName} takes payment only ${where}, and never asks you to pay by phone, with gift cards or into another account.`
}
