import type { BusinessCard } from '../../core/domains/settings/business-card.js'
import { html, type SafeHtml } from '../html.js'

/**
 * The business at the top of a customer's quote or invoice page: its logo (served under the page's own secret address,
 * `logoPath`), name, phone and email, the phone and email as links a phone can follow.
 */
export function businessCard(card: BusinessCard, logoPath: string): SafeHtml {
  const logo = card.logo ? html`<img class="logo" src="${logoPath}?v=${card.logo.slice(0, 12)}" alt="${card.name} logo">` : ''
  const phone = card.phone ? html`<a href="tel:${card.phone.replace(/[^0-9+]/g, '')}">${card.phone}</a>` : ''
  const email = card.email ? html`<a href="mailto:${card.email}">${card.email}</a>` : ''
  const reach = phone && email ? html`${phone} · ${email}` : html`${phone}${email}`
  return html`<header class="business">${logo}<div><strong>${card.name}</strong>${phone || email ? html`<br>${reach}` : ''}</div></header>`
}
