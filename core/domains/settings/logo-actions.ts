import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { checkContent, PICTURE_TYPES } from '../documents/content.js'
import { forgetRead } from '../../db/read-memo.js'
import { SETTINGS_READ } from './model.js'

/** The largest logo: a picture for the top of a phone page, not a print file. */
export const LOGO_MAX_BYTES = 512 * 1024

/** Sets or removes the logo customers' quote and invoice pages show beside the business's name. */
export const setLogo = defineAction({
  key: 'settings.set_logo',
  title: 'Set the business logo',
  place: page('/settings', 'choose the logo file under Logo'),
  words: { phrase: "set the logo on customers' quote and invoice pages" },
  description:
    "Set the logo customers' quote and invoice pages show beside the business name: content_base64 of a PNG, " +
    `JPEG or WebP picture of at most ${LOGO_MAX_BYTES / 1024} KB, or null to remove it. An agent's call waits for the owner's approval.`,
  // What customers see as the business is the owner's: a prompt-injected email must not change it.
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    // A picture can carry any words, and no check reads them: the owner sees every logo an agent puts before customers.
    ownerSees: async () => "puts a picture on every customer's quote and invoice page, and no check can read the words in a picture",
  },
  idempotent: true,
  phrases: ['logo', 'brand', 'company picture'],
  input: z.strictObject({
    content_base64: z.string().min(1).nullable().describe("The picture's bytes in base64; null removes the logo"),
    content_type: z.string().trim().max(100).optional().describe('image/png, image/jpeg or image/webp; known from the bytes when left out'),
  }),
  output: z.object({ logo_content_type: z.string().nullable(), logo_sha256: z.string().nullable(), size_bytes: z.number().int() }),
  async run(ctx, input) {
    const before = (
      await ctx.db.query<{ logo_sha256: string | null; logo_content_type: string | null }>(
        'select logo_sha256, logo_content_type from tenants where id = $1 for update',
        [ctx.tenantId],
      )
    ).rows[0]
    let after: { logo_sha256: string | null; logo_content_type: string | null } = { logo_sha256: null, logo_content_type: null }
    let size = 0
    if (input.content_base64 !== null) {
      const file = checkContent(input.content_base64, input.content_type, LOGO_MAX_BYTES)
      if (!PICTURE_TYPES.includes(file.contentType)) {
        throw validationError([{ field: 'data.content_base64', message: `is ${file.contentType}: a logo is a PNG, JPEG or WebP picture` }])
      }
      await ctx.services.documents.put(ctx.db, ctx.tenantId, file.sha256, file.bytes)
      after = { logo_sha256: file.sha256, logo_content_type: file.contentType }
      size = file.bytes.length
    }
    await ctx.db.query('update tenants set logo_sha256 = $2, logo_content_type = $3 where id = $1', [
      ctx.tenantId,
      after.logo_sha256,
      after.logo_content_type,
    ])
    forgetRead(ctx.db, SETTINGS_READ.key)
    await ctx.audit({ entityType: 'tenant', entityId: ctx.tenantId, action: 'set_logo', before, after })
    return { ...after, size_bytes: size }
  },
})
