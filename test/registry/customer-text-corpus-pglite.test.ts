// Both engines: the generated registry tests prove the two engines answer alike; each engine's half is a file of its own.
import { engines } from '../helpers/databases.js'
import { customerTextSuite } from './customer-text-suite.js'

// Words customers read: other channels wait for the owner (pglite). The corpora check the review of words over the same
// calls again and again with other texts: what the review reads (the channels, held once per field, and what an action
// shows the owner) the channels and declared parts read on both engines, so the corpora run on the engine of behaviour
// only: here when no PostgreSQL server is at hand, else in customer-text-corpus-postgres.test.ts.
customerTextSuite('pglite', engines.includes('pglite') ? ['channels', 'corpus'] : ['channels'])
