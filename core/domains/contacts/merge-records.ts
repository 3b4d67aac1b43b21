import type { OperationContext } from '../../kernel/context.js'
import { ATTRIBUTE_COLUMNS } from '../attributes/model.js'
import { NOTE_COLUMNS, NOTE_TABLE } from '../notes/model.js'
import { auditedInsert } from '../../vocabulary/records.js'
import { tidyWaitlistForMerge } from './merge-tidy.js'
import { MOVING_RECORDS, type AttributeConflict, type MergePreference } from './merge-plan.js'

/** What moving a merged contact's records did, kind by kind. */
export interface MovedRecords {
  moved: Record<string, number>
  attribute_conflicts: AttributeConflict[]
  /** Open waitlist entries of the merged contact for a service the survivor already waits for: removed, not doubled. */
  waitlist_entries_removed: number
  /** Links between the two contacts, and links the survivor already had the same: removed, not doubled. */
  links_removed: number
  /** The note on the survivor that keeps the attribute values the merge did not keep, or null when none differed. */
  conflict_note_id: string | null
}

/**
 * Moves every record of the merged contact to the survivor, in the caller's transaction, auditing each record. The
 * merged contact must already point at the survivor: a closed ticket's customer may only follow that pointer.
 */
export async function moveRecords(
  ctx: OperationContext,
  survivor: { id: string; display_name: string },
  merged: { id: string; display_name: string },
  prefer: MergePreference,
  conflicts: AttributeConflict[],
): Promise<MovedRecords> {
  const s = survivor.id
  const m = merged.id
  const moved: Record<string, number> = {}
  const waitlistRemoved = await tidyWaitlistForMerge(ctx, { survivor, merged })
  for (const kind of MOVING_RECORDS) {
    const r = await ctx.db.query<{ id: string }>(`update ${kind.table} set ${kind.column} = $1 where ${kind.column} = $2 returning id`, [
      s,
      m,
    ])
    moved[kind.key] = r.rowCount ?? r.rows.length
    for (const row of r.rows) {
      await ctx.audit({
        entityType: kind.entity,
        entityId: String(row.id),
        action: 'merge',
        before: { [kind.column]: m },
        after: { [kind.column]: s },
      })
    }
  }
  moved.attributes = await moveAttributes(ctx, s, m, prefer)
  const links = await moveLinks(ctx, s, m)
  moved.links = links.moved
  const ext = await ctx.db.query('update contact_external_ids set contact_id = $1 where contact_id = $2 returning source, external_id', [
    s,
    m,
  ])
  moved.external_ids = ext.rowCount ?? ext.rows.length
  const noteId = conflicts.length ? await conflictNote(ctx, s, merged, conflicts) : null
  return {
    moved,
    attribute_conflicts: conflicts,
    waitlist_entries_removed: waitlistRemoved,
    links_removed: links.removed,
    conflict_note_id: noteId,
  }
}

/** Moves the merged contact's attributes; a key both have keeps the preferred value in the survivor's row, and the other row goes. */
async function moveAttributes(ctx: OperationContext, s: string, m: string, prefer: MergePreference): Promise<number> {
  const rows = await ctx.db.query(`select ${ATTRIBUTE_COLUMNS} from attributes where contact_id = $1 order by key`, [m])
  let moved = 0
  for (const a of rows.rows) {
    const theirs = await ctx.db.query(`select ${ATTRIBUTE_COLUMNS} from attributes where contact_id = $1 and key = $2`, [s, a.key])
    const kept = theirs.rows[0]
    if (!kept) {
      const r = await ctx.db.query(`update attributes set contact_id = $1 where id = $2 returning ${ATTRIBUTE_COLUMNS}`, [s, a.id])
      await ctx.audit({ entityType: 'attribute', entityId: String(a.id), action: 'merge', before: a, after: r.rows[0] })
      moved++
      continue
    }
    await ctx.db.query('delete from attributes where id = $1', [a.id])
    await ctx.audit({ entityType: 'attribute', entityId: String(a.id), action: 'merge', before: a, after: null })
    if (prefer === 'merged' && JSON.stringify(kept.value) !== JSON.stringify(a.value)) {
      const r = await ctx.db.query(
        `update attributes set value = $2, source = $3, confidence = $4, confirmed_by = $5, confirmed_at = $6,
          source_ticket_id = $7 where id = $1 returning ${ATTRIBUTE_COLUMNS}`,
        [kept.id, JSON.stringify(a.value), a.source, a.confidence, a.confirmed_by, a.confirmed_at, a.source_ticket_id],
      )
      await ctx.audit({ entityType: 'attribute', entityId: String(kept.id), action: 'merge', before: kept, after: r.rows[0] })
    }
  }
  return moved
}

/** Moves the merged contact's links; a link between the two, or one the survivor already has (either way for household and partner), is removed instead. */
async function moveLinks(ctx: OperationContext, s: string, m: string): Promise<{ moved: number; removed: number }> {
  const removed = await ctx.db.query(
    `delete from contact_links l where (l.from_contact_id = $2 and l.to_contact_id = $1) or (l.from_contact_id = $1 and l.to_contact_id = $2)
       or (l.from_contact_id = $2 and exists (select 1 from contact_links k where k.from_contact_id = $1 and k.to_contact_id = l.to_contact_id and k.link_type = l.link_type))
       or (l.to_contact_id = $2 and exists (select 1 from contact_links k where k.to_contact_id = $1 and k.from_contact_id = l.from_contact_id and k.link_type = l.link_type))
       or (l.link_type in ('household', 'partner') and exists (select 1 from contact_links k where k.link_type = l.link_type
         and ((l.from_contact_id = $2 and k.from_contact_id = l.to_contact_id and k.to_contact_id = $1)
           or (l.to_contact_id = $2 and k.to_contact_id = l.from_contact_id and k.from_contact_id = $1))))
     returning id, from_contact_id, to_contact_id, link_type, strength, note`,
    [s, m],
  )
  for (const link of removed.rows) {
    await ctx.audit({ entityType: 'contact', entityId: s, action: 'unlink', before: { link }, after: { link: null } })
  }
  let moved = 0
  for (const column of ['from_contact_id', 'to_contact_id']) {
    const r = await ctx.db.query(
      `update contact_links set ${column} = $1 where ${column} = $2 returning id, from_contact_id, to_contact_id, link_type`,
      [s, m],
    )
    for (const link of r.rows) {
      await ctx.audit({
        entityType: 'contact',
        entityId: s,
        action: 'merge_link',
        before: { link: { ...link, [column]: m } },
        after: { link },
      })
    }
    moved += r.rows.length
  }
  return { moved, removed: removed.rows.length }
}

/** A note on the survivor keeping, for each attribute both contacts had, the value the merge did not keep. */
async function conflictNote(
  ctx: OperationContext,
  s: string,
  merged: { id: string; display_name: string },
  conflicts: AttributeConflict[],
): Promise<string> {
  const lines = conflicts.map((c) => {
    const dropped = c.kept === 'survivor' ? c.merged_value : c.survivor_value
    const from = c.kept === 'survivor' ? `${merged.display_name}'s` : "this contact's earlier"
    return `- ${c.key}: kept ${JSON.stringify(c.kept === 'survivor' ? c.survivor_value : c.merged_value)}; ${from} value was ${JSON.stringify(dropped)}`
  })
  const content = `Merged ${merged.display_name} (contact ${merged.id}) into this contact. Facts that differed:\n${lines.join('\n')}`
  const note = await auditedInsert(
    ctx,
    NOTE_TABLE,
    `insert into notes (tenant_id, contact_id, content, author_type, author_id) values ($1, $2, $3, $4, $5) returning ${NOTE_COLUMNS}`,
    [ctx.tenantId, s, content, ctx.actor.type, ctx.actor.id],
  )
  return String(note.id)
}
