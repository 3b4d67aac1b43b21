import { resendEmailClient } from '../../core/clients/email.js'
import type { Queryable } from '../../core/db/types.js'
import { asTenant, newContact } from './fixtures.js'
import type { TestApp } from './app.js'
import type { FakeResend } from './fake-resend.js'

/** A Resend client pointed at the fake. */
export function fakeResendClient(fake: FakeResend, timeoutMs?: number) {
  return resendEmailClient({ apiKey: fake.apiKey, from: 'Service CRM <mail@sparkle.test>', baseUrl: fake.url, timeoutMs })
}

/** A contact made through the API; its primary email when given. */
export async function customer(app: TestApp, name: string, email?: string): Promise<string> {
  return newContact(app, { display_name: name, ...(email ? { email } : {}) })
}

/** A due message inserted as the business (send_at in the past of the app's clock); returns its id. */
export async function dueMessage(
  app: TestApp,
  fields: { contact_id: string; kind: string; ticket_id?: string; invoice_id?: string; subject?: string; body?: string; send_at?: Date },
): Promise<string> {
  const sendAt = fields.send_at ?? new Date(app.services.now().getTime() - 60_000)
  return asTenant(
    app,
    async (tx) =>
      (
        await tx.query<{ id: string }>(
          `insert into scheduled_messages (tenant_id, contact_id, kind, ticket_id, invoice_id, subject, body, send_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
          [
            app.tenant.tenant_id,
            fields.contact_id,
            fields.kind,
            fields.ticket_id ?? null,
            fields.invoice_id ?? null,
            fields.subject ?? null,
            fields.body ?? null,
            sendAt.toISOString(),
          ],
        )
      ).rows[0].id,
  )
}

/** One scheduled message as stored. */
export async function messageRow(app: TestApp, id: string): Promise<Record<string, any>> {
  return asTenant(
    app,
    async (tx) =>
      (
        await tx.query(
          `select status, attempts, last_error, send_at, sent_at, provider_message_id, lease_token from scheduled_messages where id = $1`,
          [id],
        )
      ).rows[0],
  )
}

/** The audit entries of one record: action and actor type, oldest first. */
export async function auditOf(app: TestApp, id: string): Promise<Array<{ action: string; actor_type: string }>> {
  return asTenant(
    app,
    async (tx: Queryable) =>
      (
        await tx.query<{ action: string; actor_type: string }>(
          'select action, actor_type from audit_log where entity_id = $1 order by id',
          [id],
        )
      ).rows,
  )
}

/** Moves the app's clock. */
export function setClock(app: TestApp, at: Date): void {
  app.services.now = () => new Date(at)
}
