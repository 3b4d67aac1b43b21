import { authorizationRequestsPersonalData } from '../authorization-queue/personal-data.js'
import { CORE_PERSONAL_DATA } from '../core/domains/personal-data.js'
import type { PersonalTable } from '../core/personal-data/declare.js'

/** What the product's tables hold about a customer: core's, and the queue's (an agent's call naming them). */
export const PRODUCT_PERSONAL_DATA: readonly PersonalTable[] = [...CORE_PERSONAL_DATA, authorizationRequestsPersonalData]
