import { createHmac, randomBytes } from 'node:crypto'

/** Headers a Svix-signed webhook (Resend's) sends with a delivery of this body signed by the secret. */
export function svixSigned(secret: string, body: string, opts: { id?: string; at?: number } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${randomBytes(8).toString('hex')}`
  const timestamp = String(opts.at ?? Math.floor(Date.now() / 1000))
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}`, 'content-type': 'application/json' }
}
