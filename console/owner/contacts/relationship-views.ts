import type { z } from 'zod'
import { lookupTable } from '../../../core/kernel/lookup-table.js'
import type { contactsQuery } from '../../../core/domains/contacts/queries.js'
import type { referralsQuery } from '../../../core/domains/contacts/referrals.js'
import { form, html, joinHtml, type SafeHtml } from '../../html.js'

type Contact = z.output<typeof contactsQuery.record>
type Link = NonNullable<Contact['links']>[number]
type Chains = z.output<typeof referralsQuery.record>

/** What the other contact is to this one, as the page says it: "Employer", "Referred by them". */
const RELATION_WORDS: Record<Link['relation'], string> = {
  employer: 'Works at',
  employee: 'Employs',
  referrer: 'Referred by',
  referral: 'Referred',
  parent_company: 'Owned by (parent company)',
  subsidiary: 'Owns (subsidiary)',
  household: 'Same household as',
  partner: 'Partner of',
  other: 'Linked to',
}

/**
 * The relationships the form offers, read "this customer ... the other": each is a link type and which side is
 * this customer. Both directions of one-way links are offered, so the owner starts from whichever page is open.
 */
export const RELATIONSHIP_CHOICES: Readonly<Record<string, { label: string; link_type: string; thisIs: 'from' | 'to' }>> = lookupTable({
  works_at: { label: 'works at', link_type: 'works_at', thisIs: 'from' },
  employs: { label: 'employs', link_type: 'works_at', thisIs: 'to' },
  referred_by: { label: 'was referred by', link_type: 'referred_by', thisIs: 'from' },
  referred: { label: 'referred', link_type: 'referred_by', thisIs: 'to' },
  parent_company: { label: 'is owned by (parent company)', link_type: 'parent_company', thisIs: 'from' },
  subsidiary: { label: 'owns (subsidiary)', link_type: 'parent_company', thisIs: 'to' },
  household: { label: 'lives with (household)', link_type: 'household', thisIs: 'from' },
  partner: { label: 'is a partner of', link_type: 'partner', thisIs: 'from' },
  other: { label: 'is linked to', link_type: 'other', thisIs: 'from' },
})

/** The company fields of an organization, as a short list; nothing for a person. */
export function companyFacts(c: Contact): SafeHtml | '' {
  const b = c.billing_address
  const lines = [
    c.legal_name && html`<li>Legal name: ${c.legal_name}</li>`,
    c.industry && html`<li>Industry: ${c.industry}</li>`,
    c.website && html`<li>Website: <a href="${c.website}" rel="noopener noreferrer">${c.website}</a></li>`,
    c.tax_id && html`<li>Tax id: ${c.tax_id}</li>`,
    b &&
      html`<li>Billing address: ${b.line1}${b.line2 ? html`, ${b.line2}` : ''}, ${b.city}, ${b.state} ${b.postal_code}${b.country !== 'US' ? ` ${b.country}` : ''}</li>`,
  ].filter((l): l is SafeHtml => !!l)
  if (c.kind !== 'organization') return ''
  return html`<h2>Company</h2>${lines.length ? html`<ul>${lines}</ul>` : html`<p class="muted">No company details yet.</p>`}`
}

/** The customer's relationships from both sides with their strength, a link to the referral chains, and the form to add one. */
export function relationshipsSection(c: Contact, csrf: string): SafeHtml {
  const links = c.links ?? []
  const base = `/customers/${c.id}`
  return html`<h2 id="relationships">Relationships</h2>${
    links.length
      ? html`<ul>${links.map(
          (l) =>
            html`<li>${RELATION_WORDS[l.relation]} <a href="${`/customers/${l.contact_id}`}">${l.display_name}</a> <span class="muted">(${l.strength})${l.note ? html` ${l.note}` : ''}</span></li>`,
        )}</ul>`
      : html`<p class="muted">No relationships yet.</p>`
  }
<p><a href="${`${base}/referrals`}">Referrals: who they brought, who brought them</a></p>
<details><summary>Add a relationship</summary>${form(
    `${base}/links`,
    csrf,
    html`<p class="muted">Read it as: ${c.display_name}, relationship, other customer.</p>
<label>Relationship<select name="relationship">${Object.entries(RELATIONSHIP_CHOICES).map(
      ([value, r]) => html`<option value="${value}">${r.label}</option>`,
    )}</select></label>
<label>Other customer (name, email or phone)<input name="other" required maxlength="200"></label>
<label>Strength<select name="strength"><option value="normal">Normal</option><option value="strong">Strong</option><option value="weak">Weak</option></select></label>
<button class="second">Add relationship</button>`,
  )}</details>`
}

/** When the name given matches several customers: one button for each, carrying the choice made so far. */
export function whichCustomerForm(
  c: Contact,
  csrf: string,
  choice: { relationship: string; strength: string },
  candidates: Array<{ id: string; display_name: string; email: string | null; phone: string | null }>,
): SafeHtml {
  return html`<p>Several customers match. Which one ${RELATIONSHIP_CHOICES[choice.relationship]?.label ?? 'is linked to'} ${c.display_name}?</p>${candidates.map(
    (o) =>
      form(
        `/customers/${c.id}/links`,
        csrf,
        html`<input type="hidden" name="relationship" value="${choice.relationship}">
<input type="hidden" name="strength" value="${choice.strength}"><input type="hidden" name="other_id" value="${o.id}">
<button class="second">${o.display_name}${o.email || o.phone ? ` (${[o.email, o.phone].filter(Boolean).join(', ')})` : ''}</button>`,
      ),
  )}
<p><a href="${`/customers/${c.id}#relationships`}">Back to ${c.display_name}</a></p>`
}

/** The referral chains of a customer: who brought them, and whom they brought, level by level, with counts. */
export function referralsBody(chains: Chains): SafeHtml {
  const name = (p: { id: string; display_name: string }) => html`<a href="${`/customers/${p.id}`}">${p.display_name}</a>`
  const names = new Map<string, string>([
    [chains.contact.id, chains.contact.display_name],
    ...chains.referrals.map((r) => [r.id, r.display_name] as [string, string]),
    ...chains.referred_by.map((r) => [r.id, r.display_name] as [string, string]),
  ])
  const { referred_directly: direct, referred_in_total: total } = chains.counts
  return html`<p><a href="${`/customers/${chains.contact.id}#relationships`}">Back to ${chains.contact.display_name}</a></p>
<h2>Who brought ${chains.contact.display_name}</h2>${
    chains.referred_by.length
      ? html`<ul>${chains.referred_by.map(
          (r) =>
            html`<li>${name(r)}${r.depth > 1 ? html` <span class="muted">who referred ${names.get(r.referred_id) ?? ''}</span>` : ''}</li>`,
        )}</ul>`
      : html`<p class="muted">Nobody recorded.</p>`
  }
${chains.more_beyond_depth.referred_by ? html`<p class="muted">The chain goes back further.</p>` : ''}
<h2>Whom ${chains.contact.display_name} brought</h2><p><b>${direct} directly, ${total} in all</b>${
    chains.counts.by_depth.length > 1
      ? html` <span class="muted">(${joinHtml(
          chains.counts.by_depth.map((n, i) => `${n} at level ${i + 1}`),
          html`, `,
        )})</span>`
      : ''
  }</p>
${
  chains.referrals.length
    ? html`<ul>${chains.referrals.map(
        (r) =>
          html`<li>${name(r)} <span class="muted">level ${r.depth}${
            r.depth > 1 ? `, through ${names.get(r.referred_by_id) ?? ''}` : ''
          }${r.strength !== 'normal' ? `, ${r.strength}` : ''}</span></li>`,
      )}</ul>`
    : html`<p class="muted">Nobody yet.</p>`
}
${chains.more_beyond_depth.referrals ? html`<p class="muted">Their referrals go on past level ${chains.depth}.</p>` : ''}`
}
