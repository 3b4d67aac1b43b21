import type { Principal, Services } from '../kernel/context.js'
import { customFieldsSummary, type Definition } from '../domains/custom-fields/model.js'
import { performQuery } from '../kernel/operations.js'
import type { Page } from '../kernel/registry.js'

/** The caller's business's custom fields as the capabilities tell them, read through the custom_fields data type; null when none. */
export async function businessFields(services: Services, principal: Principal, requestId: string) {
  const page = (await performQuery(services, principal, { type: 'custom_fields', limit: 100 }, { requestId })) as Page
  return customFieldsSummary(page.items as Definition[])
}
