import type { ToolDefinition } from '../tool.js'
import { dailyBriefing } from './daily-briefing.js'
import { findCustomer } from './find-customer.js'
import { handleRescheduleRequest } from './handle-reschedule.js'
import { processLead } from './process-lead.js'
import { scheduleAppointment } from './schedule-appointment.js'
import { sendInvoice } from './send-invoice.js'

/** The workflow tools, each a whole everyday task in one call, in the order tools/list shows them. */
export const WORKFLOW_TOOLS: ReadonlyArray<ToolDefinition> = [
  findCustomer,
  scheduleAppointment,
  handleRescheduleRequest,
  processLead,
  sendInvoice,
  dailyBriefing,
] as unknown as ToolDefinition[]
