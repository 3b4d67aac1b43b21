import * as authorizationActions from '../../authorization-queue/actions.js'
import * as authorizationQueries from '../../authorization-queue/queries.js'
import { createRegistry, type Registry } from '../registry.js'
import * as auditQueries from './audit/queries.js'
import * as contactActions from './contacts/actions.js'
import * as contactQueries from './contacts/queries.js'

/** Every domain module; each exports its definitions, and the registry collects them. */
const DOMAIN_MODULES = [contactActions, contactQueries, auditQueries, authorizationActions, authorizationQueries]

/** The product's registry of actions and data types. */
export function buildRegistry(): Registry {
  return createRegistry(DOMAIN_MODULES)
}
