// Both engines: the generated registry tests prove the two engines answer alike; each engine's half is a file of its own.
import { customerTextSuite } from './customer-text-suite.js'

// Words customers read: every text field customers read is declared on its action (pglite).
customerTextSuite('pglite', ['declared'])
