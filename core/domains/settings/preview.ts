import { fieldsOwnerApproves, type OwnerApproval } from '../../kernel/access.js'
import { changesOf, type CallPreview } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import type { WEEKDAYS } from '../../vocabulary/time.js'
import { loadTenantSettings } from './model.js'
import { BACKUP_KEEP_FIELDS, fewerBackupsWarnings } from './backup-settings.js'

/** A settings change as settings.update takes it: only the fields given change, business_hours only the weekdays given. */
export type SettingsChange = Record<string, unknown> & { business_hours?: Partial<Record<(typeof WEEKDAYS)[number], unknown>> }

/**
 * What a settings change will do, for the owner's review card: each field given as it is now and as it will be (the
 * opening hours as the whole week after the change), a warning naming the fields that reach customers, and one for each
 * count of backups kept that the change lowers.
 */
export async function previewSettingsChange(ctx: OperationContext, input: SettingsChange, approval: OwnerApproval): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const given = input.business_hours ? { ...input, business_hours: { ...settings.business_hours, ...input.business_hours } } : input
  const changes = changesOf(settings as unknown as Record<string, unknown>, given)
  const words = (fields: readonly string[]) => fields.map((f) => f.replace(/_/g, ' ')).join(', ')
  // The counts of backups kept reach no customer: what they risk is the archives a lower count deletes.
  const held = fieldsOwnerApproves(approval, input).filter((f) => !(BACKUP_KEEP_FIELDS as readonly string[]).includes(f))
  return {
    summary: `Change the business settings: ${words(changes.map((c) => c.field)) || 'nothing'}`,
    changes,
    warnings: [
      ...(held.length ? [`${words(held)}: every invoice and email sent from now on carries the new value. Check it is yours.`] : []),
      ...fewerBackupsWarnings(settings, input),
    ],
    currency: settings.currency,
    timezone: settings.timezone,
  }
}
