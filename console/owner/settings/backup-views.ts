import type { z } from 'zod'
import type { backupStatusQuery } from '../../../core/domains/settings/backup-status-query.js'
import { addDays, localDate, localTime } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { textField, type FieldErrors } from '../../form-kit.js'
import { dayName } from '../../schedule-views.js'
import { sizeWords } from '../documents/document-views.js'

/** Where the business's backups stand, as the backup_status data type reads. */
export type BackupStatusRecord = z.output<typeof backupStatusQuery.record>

/** A finished backup run, as the backup_status data type reads it. */
type BackupRun = NonNullable<BackupStatusRecord['last_verified']>

/** The settings form's fields of the Backups section, by their names on the form (settings.update's own). */
export const BACKUP_FORM_FIELDS = ['backup_time', 'backup_keep_daily', 'backup_keep_weekly', 'backup_keep_monthly'] as const

/** An instant as the owner reads a backup's: "today 02:31", "yesterday 02:31" or "Thu 2026-11-05 02:31", in the business's zone. */
export function backupWhen(instant: string, tz: string, now: Date): string {
  const date = localDate(new Date(instant), tz)
  const today = localDate(now, tz)
  const day = date === today ? 'today' : date === addDays(today, -1) ? 'yesterday' : `${dayName(date)} ${date}`
  return `${day} ${localTime(new Date(instant), tz)}`
}

/** Where a run's archive is: the file on the server and its copy in the bucket, whichever it has. */
function whereKept(run: BackupRun): SafeHtml {
  const places = [run.file, run.remote].filter((p): p is string => Boolean(p)).map((p) => html`<code>${p}</code>`)
  const whole = run.business_id === null ? ' (an archive of the whole service)' : ''
  const size = run.bytes === null ? '' : `, ${sizeWords(run.bytes)}`
  if (!places.length) return html`${whole}${size}`
  return html`, in ${places.length === 2 ? html`${places[0]} and ${places[1]}` : places[0]}${whole}${size}`
}

/** The warning, if any, and when and where the last verified backup was made: the facts Home and the settings page share. */
export function backupFacts(status: BackupStatusRecord, tz: string, now: Date): SafeHtml {
  const verified = status.last_verified
  const failed = status.last_failed
  // With backups off the warning says so, not the failed run: an upgrade that went ahead without a backup gets a line of its own.
  return html`${
    status.warning
      ? html`<p class="warn wrap"><strong>${status.warning}</strong>${
          failed && status.backups_on ? html` <span class="muted">(${backupWhen(failed.finished_at, tz, now)})</span>` : ''
        }</p>`
      : ''
  }${
    failed?.reason === 'before_migrations' && !status.backups_on
      ? html`<p class="warn wrap">The upgrade of <strong>${backupWhen(failed.finished_at, tz, now)}</strong> migrated the database with no backup made before it (${failed.error ?? 'no reason was recorded'}): it cannot be undone by restoring one.</p>`
      : ''
  }${
    !status.backups_on
      ? html`<p class="note">Whoever runs the server makes a key with <code>openssl rand -base64 32</code>, sets it as
<code>CRM_BACKUP_KEY</code> and keeps a copy apart from the backups: without it no backup can be restored.</p>`
      : ''
  }${
    verified
      ? html`<p class="wrap">Last verified backup: <strong>${backupWhen(verified.finished_at, tz, now)}</strong>${
          verified.reason === 'before_migrations' ? ', made before an upgrade migrated the database' : ''
        }${whereKept(verified)}.</p>`
      : status.backups_on
        ? html`<p>No backup has been made and checked yet.</p>`
        : ''
  }`
}

/** Home's part on backups: a card at the top when they need the owner, else one line near the end. */
export function backupHomeSection(status: BackupStatusRecord, tz: string, now: Date): { top: SafeHtml | ''; end: SafeHtml } {
  if (status.warning) {
    return {
      top: html`<div class="card"><h2>Backups need you</h2>${backupFacts(status, tz, now)}<p><a href="/settings#backups">Backup settings</a></p></div>`,
      end: html``,
    }
  }
  return { top: '', end: html`<h2>Backups</h2>${backupFacts(status, tz, now)}` }
}

/** The settings page's Backups section: where they stand, when the nightly one runs and how many are kept (saved with the form). */
export function backupSettingsSection(
  status: BackupStatusRecord,
  v: Record<string, string>,
  problems: FieldErrors,
  tz: string,
  now: Date,
): SafeHtml {
  const numeric = html` inputmode="numeric" autocomplete="off"`
  return html`<h2 id="backups">Backups</h2>${backupFacts(status, tz, now)}
<p class="note">Every night a sealed copy of the business is made and checked by restoring it. Keeping fewer deletes the older copies at the next backup.</p>
${textField('backup_time', `Nightly backup at (${tz})`, v.backup_time, problems, html` type="time"`)}
<div class="row">${textField('backup_keep_daily', 'Daily kept (1 to 90)', v.backup_keep_daily, problems, numeric)}
${textField('backup_keep_weekly', 'Weekly kept (0 to 104)', v.backup_keep_weekly, problems, numeric)}
${textField('backup_keep_monthly', 'Monthly kept (0 to 120)', v.backup_keep_monthly, problems, numeric)}</div>`
}
