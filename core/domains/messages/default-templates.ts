import { writeAuditMany } from '../../kernel/audit.js'
import type { Actor } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { KIND_DECLARATIONS } from '../message-kinds.js'
import type { TemplateText } from './message-kind.js'
import { TEMPLATE_COLUMNS, type MessageKind, type MessageTemplate } from './model.js'

/**
 * The templates every business starts with, one per kind that goes by email, each worded in its kind's declaration.
 * They are also the built-in text used for a kind that a business has no default template for.
 */
export const DEFAULT_TEMPLATES: Readonly<Record<string, TemplateText>> = Object.fromEntries(
  [...KIND_DECLARATIONS.values()].flatMap((k) => (k.template ? [[k.kind, k.template]] : [])),
)

/** Writes the default template of every kind for a new business, each one audited as created by the system: two statements in all. */
export async function insertDefaultTemplates(
  tx: Queryable,
  who: { tenantId: string; actor: Actor; requestId: string; reasoning: string | null },
): Promise<void> {
  const templates = Object.entries(DEFAULT_TEMPLATES).map(([kind, template]) => ({ kind, ...template }))
  const r = await tx.query<Record<string, unknown> & { id: string }>(
    `insert into message_templates (tenant_id, kind, name, subject, body, is_default)
    select $1, t.kind, t.name, t.subject, t.body, true from jsonb_to_recordset($2::jsonb) as t(kind text, name text, subject text, body text)
    returning ${TEMPLATE_COLUMNS}`,
    [who.tenantId, JSON.stringify(templates)],
  )
  await writeAuditMany(
    tx,
    who,
    r.rows.map((row) => ({ entityType: 'template', entityId: row.id, action: 'create', before: null, after: row })),
  )
}

/** The business's default template of a kind; the built-in text when it has none (e.g. it archived its default). */
export async function defaultTemplate(tx: Queryable, kind: MessageKind): Promise<MessageTemplate> {
  const r = await tx.query<{ id: string; name: string; subject: string; body: string }>(
    `select id, name, subject, body from message_templates where kind = $1 and is_default and archived_at is null`,
    [kind],
  )
  if (r.rows[0]) return { ...r.rows[0], kind, builtin: false }
  return { id: null, kind, ...DEFAULT_TEMPLATES[kind], builtin: true }
}
