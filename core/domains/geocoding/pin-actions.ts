import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { auditChanged } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { ADDRESS_COLUMNS, ADDRESS_RECORD, ADDRESS_TABLE, lockAddress } from '../addresses/model.js'

/** Places an address's pin by hand: the owner knows where the house is better than the geocoder's address ranges. */
export const pinAddress = defineAction({
  key: 'address.pin',
  phrases: ['move the pin of an address', 'the map shows the house in the wrong place', 'set the latitude and longitude of an address'],
  title: 'Place an address on the map',
  place: BY_AGENT_OR_API,
  words: { phrase: "move an address's pin on the map" },
  description:
    "Place an address's pin by hand (latitude and longitude in degrees), when the geocoder found no match or put it in the " +
    'wrong place. The pin stays until the street, town, ZIP or country of the address changes. Routes and distances use it.',
  // Routes and the waitlist's neighbours are worked out from pins: an agent's move waits for the owner.
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    address_id: z.uuid(),
    latitude: z.number().min(-90).max(90).describe('Degrees north, e.g. 34.7304'),
    longitude: z.number().min(-180).max(180).describe('Degrees east (west is negative), e.g. -86.5861'),
  }),
  output: ADDRESS_RECORD,
  run: (ctx, input) =>
    changePoint(
      ctx,
      input.address_id,
      `latitude = $2, longitude = $3, point_status = 'by_hand', point_note = 'Placed by hand', point_at = now(), point_retry_at = null`,
      [input.latitude, input.longitude],
    ),
})

/** Looks an address up again at the worker's next pass: after a fix to the street, or a pin found in the wrong place. */
export const locateAddress = defineAction({
  key: 'address.locate',
  phrases: ['look an address up on the map again', 'find the point of an address again', 'the geocoder could not find an address'],
  title: 'Look an address up again',
  place: BY_AGENT_OR_API,
  words: { phrase: 'look an address up on the map again' },
  description:
    'Ask the geocoder for the point of an address again at the next background pass, dropping its pin, even one placed ' +
    'by hand. Addresses are looked up by themselves when added or changed; this is for a retry or a second opinion.',
  access: { agent: 'unrestricted', technician: 'none', ownerSees: pinPlacedByHand },
  idempotent: true,
  input: z.strictObject({ address_id: z.uuid() }),
  output: ADDRESS_RECORD,
  run: (ctx, input) =>
    changePoint(
      ctx,
      input.address_id,
      `latitude = null, longitude = null, point_status = 'pending', point_note = null, point_at = null, point_tries = 0,
       point_retry_at = null`,
    ),
})

/** An agent dropping a pin the owner placed by hand is the owner's to see: the geocoder had it wrong once already. */
async function pinPlacedByHand(ctx: OperationContext, input: { address_id: string }): Promise<string | null> {
  const r = await ctx.db.query<{ point_status: string }>('select point_status from addresses where id = $1', [input.address_id])
  return r.rows[0]?.point_status === 'by_hand' ? 'drops a pin the owner placed by hand' : null
}

/** Sets an address's pin columns (the SQL after SET, the address id being $1), audited, and returns the address. */
async function changePoint(ctx: OperationContext, addressId: string, set: string, params: unknown[] = []) {
  const before = await lockAddress(ctx.db, addressId)
  const r = await ctx.db.query<Record<string, unknown>>(`update addresses set ${set} where id = $1 returning ${ADDRESS_COLUMNS}`, [
    addressId,
    ...params,
  ])
  const after = r.rows[0]
  await auditChanged(ctx, ADDRESS_TABLE, before, after)
  return after
}
