import { z } from 'zod'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { IMPORT_UPLOAD_RECORD, UPLOAD_COLUMNS, UPLOAD_REPORTS } from './uploads.js'

/** Uploaded customer files with where their dry run and import stand, newest first. */
export const importUploadsQuery = defineQuery({
  type: 'import_uploads',
  phrases: [
    'is the import done',
    'has the customer import finished',
    'progress of a customer import',
    'import progress',
    'dry run',
    'upload',
    'import status',
  ],
  description:
    'Customer files uploaded with import.upload, newest first: kind, filename, source, headers, mapping, the dry run ' +
    '(check_status checking|checked|refused|failed, check_done of check_total rows, problem) and the import (run_status running|done|failed, ' +
    'run_done of run_total, run_error); stalled true when work has not moved for two minutes (its server stopped: start it again). ' +
    'include=report adds check_report and run_report, row by row (large for a large file).',
  entity: 'import_upload',
  include: ['report'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: IMPORT_UPLOAD_RECORD.extend({
    check_report: UPLOAD_REPORTS.shape.check_report.optional(),
    run_report: UPLOAD_REPORTS.shape.run_report.optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null]
    const reports = req.include.has('report') ? ', check_report, run_report' : ''
    return listPage(ctx.db, req, newestFirst(), args, {
      columns: `${UPLOAD_COLUMNS}${reports}`,
      from: 'import_uploads',
      where: `($1::uuid is null or id = $1)`,
    })
  },
})
