import type { z } from 'zod'
import { AppError } from './errors.js'

/**
 * Refuses an answer that does not match the schema its operation declares, read as JSON reads it (times as ISO
 * strings), naming the operation and each path that differs. A wrong declaration is a defect of the product, so it is
 * INTERNAL, and the transaction the answer came from is rolled back with it.
 */
export function checkOutput(operation: string, schema: z.ZodType, answer: unknown): void {
  const json = answer === undefined ? undefined : JSON.parse(JSON.stringify(answer))
  const parsed = schema.safeParse(json)
  if (parsed.success) return
  const paths = parsed.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`)
  throw new AppError('INTERNAL', `${operation} answered outside its declared output schema: ${paths.join('; ')}`, { operation, paths })
}
