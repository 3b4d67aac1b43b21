import { randomBytes } from 'node:crypto'
import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import { inboundEmailSettingsOf } from '../../../core/domains/inbound-email/settings.js'
import { type ApiResponse, startTestApp, type TestApp } from '../../helpers/app.js'
import type { TestEngine } from '../../helpers/databases.js'
import { emailReceivedEvent, type FakeReceivedEmail, type FakeResend, startFakeResend } from '../../helpers/fake-resend.js'
import { svixSigned } from '../../helpers/svix.js'

/** The receiving domain the tests' businesses have their inbound addresses at. */
export const DOMAIN = 'in.sparkle.test'
const PATH = '/api/webhooks/inbound-email'

/** A business with inbound email on, Resend's fake behind it, and the webhook's deliveries as Resend makes them. */
export interface InboundWorld {
  app: TestApp
  resend: FakeResend
  secret: string
  /** The business's inbound address. */
  address: string
  /** Headers Resend (Svix) sends with a delivery signed by the secret (or another). */
  signed(body: string, opts?: { id?: string; at?: number; secret?: string }): Record<string, string>
  /** Resend's email.received event for an email it keeps: metadata only, as its webhook sends it. */
  receivedEvent(email: FakeReceivedEmail): string
  post(body: string, headers: Record<string, string>): Promise<ApiResponse<any>>
  inBusiness<T>(fn: (tx: Queryable) => Promise<T>, tenantId?: string): Promise<T>
  /** Everything an email could change in a business: its interactions, leads, inbound emails and audit trail. */
  effects(tenantId?: string): Promise<{ interactions: number; leads: number; inbound: number; audit: number }>
  /** Resend receives an email and posts its webhook event, signed. */
  deliver(
    email: Partial<FakeReceivedEmail> & { from: string; to: string[] },
    id?: string,
  ): Promise<{ kept: FakeReceivedEmail; body: string; headers: Record<string, string>; res: ApiResponse<any> }>
  close(): Promise<void>
}

/** Starts the world on this engine. */
export async function inboundWorld(engine: TestEngine): Promise<InboundWorld> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`
  const resend = await startFakeResend()
  const app = await startTestApp(engine)
  Object.assign(inboundEmailSettingsOf(app.services), { webhookSecret: secret, domain: DOMAIN })
  Object.assign(app.services.config, { resendApiKey: resend.apiKey, resendBaseUrl: resend.url })
  const signed: InboundWorld['signed'] = (body, opts = {}) => svixSigned(opts.secret ?? secret, body, opts)
  const receivedEvent = (email: FakeReceivedEmail) => JSON.stringify(emailReceivedEvent(email))
  const post = (body: string, headers: Record<string, string>) => app.call('POST', PATH, body, { authorization: '', ...headers })
  const inBusiness = <T>(fn: (tx: Queryable) => Promise<T>, tenantId = app.tenant.tenant_id) =>
    withTenant(app.t.db, { tenantId, actorType: 'system' }, fn)
  return {
    app,
    resend,
    secret,
    address: `${app.tenant.tenant_id}@${DOMAIN}`,
    signed,
    receivedEvent,
    post,
    inBusiness,
    effects: (tenantId = app.tenant.tenant_id) =>
      inBusiness(async (tx) => {
        const n = async (table: string) => (await tx.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n
        return {
          interactions: await n('interactions'),
          leads: await n('leads'),
          inbound: await n('inbound_emails'),
          audit: await n('audit_log'),
        }
      }, tenantId),
    async deliver(email, id) {
      const kept = resend.receive(email)
      const body = receivedEvent(kept)
      return { kept, body, headers: signed(body, { id }), res: await post(body, signed(body, { id })) }
    },
    async close() {
      await app.close()
      await resend.close()
    },
  }
}
