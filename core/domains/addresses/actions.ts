import { z } from 'zod'
import { auditChanged, auditedArchive, updateRecord } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { ADDRESS_RECORD, ADDRESS_TABLE, lockAddress } from './model.js'
import { addressFields, insertAddress, newAddressShape } from './new-address.js'
import { BY_AGENT_OR_API, customer } from '../../vocabulary/places.js'
import { assertContact } from '../../vocabulary/merged-contacts.js'

/** Adds a service location to a contact. */
export const addAddress = defineAction({
  key: 'address.add',
  phrases: [
    'add another address for a customer',
    'a second property',
    'the customer moved to a new home',
    'location',
    'service address',
    'property',
  ],
  title: 'Add an address',
  place: customer('Add an address'),
  words: { phrase: 'add an address to a customer' },
  description:
    'Add a service location to a contact: line1, city, state, postal_code required; country is a two-letter code (default US). ' +
    'Card numbers and SSNs in access_notes are replaced by [REDACTED].',
  access: { agent: 'unrestricted', technician: 'none', customerText: { screened: ['line1', 'line2', 'city', 'state', 'postal_code'] } },
  input: z.strictObject({ contact_id: z.uuid(), ...newAddressShape }),
  output: ADDRESS_RECORD,
  async run(ctx, input) {
    await assertContact(ctx.db, input.contact_id)
    const { contact_id, ...address } = input
    return insertAddress(ctx, contact_id, address)
  },
})

/** Corrects a service location; fields left out stay, null clears an optional one. */
export const updateAddress = defineAction({
  key: 'address.update',
  phrases: ['change an address', 'fix the street of an address', 'set the gate code or access notes of an address'],
  title: 'Change an address',
  place: customer('Addresses'),
  words: { phrase: 'change an address' },
  description:
    'Update an address. Only the fields given change; null clears label, line2 or access_notes. ' +
    'Tickets already booked at it keep pointing at it.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { screened: ['line1', 'line2', 'city', 'state', 'postal_code'] } },
  idempotent: true,
  input: z.strictObject({
    address_id: z.uuid(),
    label: addressFields.label.nullable().optional(),
    line1: addressFields.line1.optional(),
    line2: addressFields.line2.nullable().optional(),
    city: addressFields.city.optional(),
    state: addressFields.state.optional(),
    postal_code: addressFields.postal_code.optional(),
    country: addressFields.country.optional(),
    access_notes: addressFields.access_notes.nullable().optional(),
  }),
  output: ADDRESS_RECORD,
  async run(ctx, input) {
    const before = await lockAddress(ctx.db, input.address_id)
    const { address_id, ...fields } = input
    const after = await updateRecord(ctx.db, ADDRESS_TABLE, before, fields)
    await auditChanged(ctx, ADDRESS_TABLE, before, after)
    return after
  },
})

/** Retires a service location; it is kept, because tickets may point at it. */
export const archiveAddress = defineAction({
  key: 'address.archive',
  title: 'Archive an address',
  place: BY_AGENT_OR_API,
  words: { phrase: 'archive an address' },
  description:
    'Archive an address the contact no longer uses. It is kept (past tickets point at it, so addresses are never deleted) ' +
    'and no longer listed by default. Archiving twice changes nothing.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ address_id: z.uuid() }),
  output: ADDRESS_RECORD,
  async run(ctx, input) {
    const before = await lockAddress(ctx.db, input.address_id)
    return auditedArchive(ctx, ADDRESS_TABLE, before)
  },
})
