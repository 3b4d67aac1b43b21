import type { OperationContext } from '../../kernel/context.js'
import type { DomainEvents } from '../../kernel/events.js'
import { keepPhotos } from './inbound.js'

/**
 * A lead who texted photos becomes a customer: the photos become the customer's documents (tagged text), each text
 * names them, and the bytes kept with the lead go.
 */
export async function photosFromLeadTexts(ctx: OperationContext, converted: DomainEvents['lead.converted']): Promise<void> {
  const kept = await ctx.db.query<{ id: string; text_message_id: string; content_type: string; bytes: Buffer }>(
    `select m.id, m.text_message_id, m.content_type, m.bytes from text_media m join text_messages t on t.id = m.text_message_id
     where t.lead_id = $1 order by m.created_at, m.id`,
    [converted.lead_id],
  )
  for (const m of kept.rows) {
    const [document] = await keepPhotos(ctx, converted.contact_id, [{ bytes: Buffer.from(m.bytes), contentType: m.content_type }])
    await ctx.db.query('update text_messages set media_document_ids = media_document_ids || $2::uuid where id = $1', [
      m.text_message_id,
      document,
    ])
    await ctx.db.query('delete from text_media where id = $1', [m.id])
  }
}
