// Both engines: the generated registry tests prove the two engines answer alike; each engine's half is a file of its own.
import { customerTextSuite } from './customer-text-suite.js'

// Words customers read: other channels and the corpora wait for the owner (postgres).
customerTextSuite('postgres', ['channels', 'corpus'])
