import { validationError, type FieldIssue } from '../../kernel/errors.js'
import { templateIssues } from '../../text/templating.js'
import { TEMPLATE_VARIABLES } from '../message-kinds.js'

/** Refuses texts whose placeholders are unknown (not a declared variable) or malformed, naming each field. */
export function assertTemplateTexts(fields: Record<string, string | null | undefined>): void {
  const issues: FieldIssue[] = []
  for (const [field, text] of Object.entries(fields)) if (text) issues.push(...templateIssues(field, text, TEMPLATE_VARIABLES))
  if (issues.length) throw validationError(issues)
}
