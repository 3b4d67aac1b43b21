import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { TEMPLATE_VARIABLES } from '../message-kinds.js'
import { assertTemplateTexts } from './template-texts.js'
import { lockTemplate, TEMPLATE_COLUMNS, TEMPLATE_TABLE } from './model.js'
import { TEMPLATE_KINDS, templateKind } from './kinds.js'
import { TEMPLATE_RECORD } from './records.js'
import { auditedInsert, auditedStatement, auditedUpdate } from '../../vocabulary/records.js'
import { page } from '../../vocabulary/places.js'
import { defaultHoldsOwnersWords, previewCreateTemplate, previewSetDefault, previewUpdateTemplate } from './template-previews.js'

const name = z.string().trim().min(1).max(200)
const subject = noteText(300)
const body = noteText(20_000)

const VARIABLES_HELP =
  `Write plain text with {{variables}}; known variables: ${Object.keys(TEMPLATE_VARIABLES).join(', ')}. ` +
  'An unknown variable is refused. A value the system does not know when the message is rendered is left empty.'

/** Writes a message template, optionally as the default of its kind. */
export const createTemplate = defineAction({
  key: 'template.create',
  title: 'Add an email template',
  place: page('/settings/templates', 'New template'),
  words: { phrase: 'add an email template' },
  description:
    `Create a message template: kind (${TEMPLATE_KINDS.join('|')}), a unique name, subject and body. ${VARIABLES_HELP} ` +
    'is_default true makes it the default of its kind (the one used when a scheduled message names no template).',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['subject', 'body'] } },
  phrases: ['email template', 'message wording', 'new template'],
  input: z.strictObject({
    kind: templateKind,
    name,
    subject: subject.describe('Email subject, may use {{variables}}'),
    body: body.describe('Plain text body with {{variables}}'),
    is_default: z.boolean().default(false).describe('Make this the default template of its kind'),
  }),
  preview: previewCreateTemplate,
  output: TEMPLATE_RECORD,
  async run(ctx, input) {
    assertTemplateTexts({ 'data.subject': input.subject, 'data.body': input.body })
    if (input.is_default) await clearDefault(ctx, input.kind)
    return auditedInsert(
      ctx,
      TEMPLATE_TABLE,
      `insert into message_templates (tenant_id, kind, name, subject, body, is_default)
      values ($1, $2, $3, $4, $5, $6) returning ${TEMPLATE_COLUMNS}`,
      [ctx.tenantId, input.kind, input.name, input.subject, input.body, input.is_default],
    )
  },
})

/** Changes the name, subject or body of a template. */
export const updateTemplate = defineAction({
  key: 'template.update',
  phrases: ['change the wording of an email', 'edit the reminder email text'],
  title: 'Edit an email template',
  place: page('/settings/templates', 'pick the template, then Edit'),
  words: { phrase: 'change an email template' },
  description:
    `Update a template's name, subject or body; only the fields given change. ${VARIABLES_HELP} ` +
    'Messages already scheduled with the template render with the new text. An archived template cannot change.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['subject', 'body'] } },
  idempotent: true,
  input: z.strictObject({ template_id: z.uuid(), name: name.optional(), subject: subject.optional(), body: body.optional() }),
  preview: previewUpdateTemplate,
  output: TEMPLATE_RECORD,
  async run(ctx, input) {
    assertTemplateTexts({ 'data.subject': input.subject, 'data.body': input.body })
    const before = await lockTemplate(ctx.db, input.template_id)
    if (before.archived_at)
      throw new AppError('CONFLICT', `Template ${input.template_id} is archived and cannot change; create a new one`, {
        field: 'data.template_id',
      })
    return auditedStatement(
      ctx,
      TEMPLATE_TABLE,
      before,
      'update',
      `update message_templates set name = coalesce($2, name), subject = coalesce($3, subject), body = coalesce($4, body)
      where id = $1 returning ${TEMPLATE_COLUMNS}`,
      [input.template_id, input.name ?? null, input.subject ?? null, input.body ?? null],
    )
  },
})

/** Retires a template; when it was its kind's default, the built-in text becomes the default until another is set. */
export const archiveTemplate = defineAction({
  key: 'template.archive',
  title: 'Archive an email template',
  place: page('/settings/templates', 'pick the template, then Archive'),
  words: { phrase: 'archive an email template' },
  description:
    'Archive a template: it can no longer be chosen for new messages. Archiving the default of a kind leaves ' +
    'the built-in text as that default until template.set_default picks another. Archiving twice changes nothing.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ template_id: z.uuid() }),
  output: TEMPLATE_RECORD,
  async run(ctx, input) {
    const before = await lockTemplate(ctx.db, input.template_id)
    if (before.archived_at) return before
    const sql = `update message_templates set archived_at = now(), is_default = false where id = $1 returning ${TEMPLATE_COLUMNS}`
    return auditedStatement(ctx, TEMPLATE_TABLE, before, 'archive', sql, [input.template_id])
  },
})

/** Makes a template the default of its kind; the previous default stops being one. */
export const setDefaultTemplate = defineAction({
  key: 'template.set_default',
  title: 'Choose the default template',
  place: page('/settings/templates', 'pick the template, then Make default'),
  words: { phrase: 'choose the default email template' },
  description:
    'Make a template the default of its kind: the one a scheduled message of that kind uses when it names no ' +
    'template. The previous default of the kind stays as an ordinary template. One default per kind.',
  access: { agent: 'requires_authorization', technician: 'none', ownerSees: defaultHoldsOwnersWords },
  idempotent: true,
  phrases: ['default template', 'standard message'],
  input: z.strictObject({ template_id: z.uuid() }),
  preview: previewSetDefault,
  output: TEMPLATE_RECORD,
  async run(ctx, input) {
    const before = await lockTemplate(ctx.db, input.template_id)
    if (before.archived_at)
      throw new AppError('CONFLICT', `Template ${input.template_id} is archived; it cannot be the default`, { field: 'data.template_id' })
    if (before.is_default) return before
    await clearDefault(ctx, String(before.kind))
    return auditedUpdate(ctx, TEMPLATE_TABLE, before, { is_default: true }, 'set_default')
  },
})

/** Unmarks the current default of a kind, auditing the change. */
async function clearDefault(ctx: OperationContext, kind: string): Promise<void> {
  const current = await ctx.db.query(
    `select ${TEMPLATE_COLUMNS} from message_templates
    where kind = $1 and is_default and archived_at is null for update`,
    [kind],
  )
  for (const before of current.rows) await auditedUpdate(ctx, TEMPLATE_TABLE, before, { is_default: false })
}
