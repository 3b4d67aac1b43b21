import { createRegistry, type Registry } from '../registry.js'
import * as contactActions from './contacts/actions.js'
import * as contactQueries from './contacts/queries.js'

/** Every domain module; each exports its definitions, and the registry collects them. */
const DOMAIN_MODULES = [contactActions, contactQueries]

/** The product's registry of actions and data types. */
export function buildRegistry(): Registry {
  return createRegistry(DOMAIN_MODULES)
}
