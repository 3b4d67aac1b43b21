import type { OperationContext } from '../../kernel/context.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { assertContact } from '../../vocabulary/merged-contacts.js'

/** The kinds each end of a link type must be, where it matters: a person works at an organization; companies own companies. */
const KINDS: Record<string, { from?: string; to?: string }> = {
  works_at: { from: 'person', to: 'organization' },
  parent_company: { from: 'organization', to: 'organization' },
}

const WORDS: Record<string, string> = {
  works_at: 'works_at links a person (contact_id) to the organization they work at (to_contact_id)',
  parent_company: 'parent_company links an organization (contact_id) to the organization that owns it (to_contact_id)',
}

/**
 * Refuses a link that cannot be: to itself, between the wrong kinds of contact, the reverse of a one-way link that
 * exists (B referred_by A when A referred_by B), or a second parent company. Each refusal names the field.
 */
export async function refuseImpossibleLink(
  ctx: OperationContext,
  input: { contact_id: string; to_contact_id: string; link_type: string },
): Promise<void> {
  if (input.contact_id === input.to_contact_id) {
    throw validationError([{ field: 'data.to_contact_id', message: 'must be another contact than contact_id' }])
  }
  const from = await assertContact(ctx.db, input.contact_id)
  const to = await assertContact(ctx.db, input.to_contact_id, 'data.to_contact_id')
  const kinds = KINDS[input.link_type]
  const problems = []
  if (kinds?.from && from.kind !== kinds.from)
    problems.push({ field: 'data.contact_id', message: `${from.display_name} is a ${from.kind}; ${WORDS[input.link_type]}` })
  if (kinds?.to && to.kind !== kinds.to)
    problems.push({ field: 'data.to_contact_id', message: `${to.display_name} is a ${to.kind}; ${WORDS[input.link_type]}` })
  if (problems.length) throw validationError(problems)
  if (input.link_type === 'household' || input.link_type === 'partner' || input.link_type === 'other') return
  const r = await ctx.db.query<{ id: string; from_contact_id: string; to_contact_id: string; display_name: string }>(
    `select l.id, l.from_contact_id, l.to_contact_id, o.display_name from contact_links l join contacts o on o.id = l.to_contact_id
     where l.link_type = $3 and ((l.from_contact_id = $2 and l.to_contact_id = $1) or ($3 = 'parent_company' and l.from_contact_id = $1 and l.to_contact_id <> $2))
     limit 1`,
    [input.contact_id, input.to_contact_id, input.link_type],
  )
  const clash = r.rows[0]
  if (!clash) return
  if (clash.from_contact_id === input.to_contact_id) {
    throw new AppError(
      'CONFLICT',
      `data.to_contact_id: ${to.display_name} is already linked ${input.link_type} to ${from.display_name}; ` +
        'a link of this type goes one way only (contact.unlink the other one first if it was wrong)',
      { field: 'data.to_contact_id', link_id: clash.id },
    )
  }
  throw new AppError(
    'CONFLICT',
    `data.to_contact_id: ${from.display_name} already has a parent company, ${clash.display_name} ` +
      `(contact_id ${clash.to_contact_id}); contact.unlink it first to change it`,
    { field: 'data.to_contact_id', link_id: clash.id },
  )
}
