import type { z } from 'zod'
import type { ADDRESS_RECORD } from '../../../core/domains/addresses/model.js'
import { typedNumber } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'

type Address = z.infer<typeof ADDRESS_RECORD>

/** What each pin status says on the customer's page, before the geocoder's own words. */
const STATUS_WORDS: Record<Address['point_status'], string> = {
  pending: 'Not on the map yet: it is looked up in the background',
  found: 'On the map',
  not_found: 'Not on the map',
  failed: 'Not on the map yet',
  by_hand: 'On the map, placed by hand',
}

/** An address's pin in words, a link that opens it on a map, and the owner's two steps: place it by hand, or look it up again. */
export function addressPin(a: Address, contactId: string, csrf: string): SafeHtml {
  const placed = a.latitude !== null && a.longitude !== null
  const point = placed ? `${a.latitude?.toFixed(5)}, ${a.longitude?.toFixed(5)}` : ''
  const base = `/customers/${contactId}/addresses/${a.id}`
  const mapLink = placed
    ? html` · <a href="${`https://www.openstreetmap.org/?mlat=${a.latitude}&mlon=${a.longitude}#map=18/${a.latitude}/${a.longitude}`}">${point}</a>`
    : ''
  const note = a.point_note && a.point_status !== 'by_hand' ? html`<br><span class="muted">${a.point_note}</span>` : ''
  return html`<br><span>${STATUS_WORDS[a.point_status]}</span>${mapLink}${note}
<details><summary>Place the pin</summary>${form(
    `${base}/pin`,
    csrf,
    html`<div class="row"><label>Latitude<input name="latitude" inputmode="decimal" value="${a.latitude ?? ''}" placeholder="34.73040"></label>
<label>Longitude<input name="longitude" inputmode="decimal" value="${a.longitude ?? ''}" placeholder="-86.58610"></label></div>
<button class="second">Save the pin</button>`,
  )}${form(`${base}/locate`, csrf, html`<button class="second">Look it up again</button>`)}</details>`
}

/** address.pin's input from the form: the numbers as typed (a blank or a word fails the action's own check, naming the field). */
export function pinInputOf(addressId: string, body: Record<string, unknown>): Record<string, unknown> {
  return { address_id: addressId, latitude: typedNumber(body, 'latitude'), longitude: typedNumber(body, 'longitude') }
}
