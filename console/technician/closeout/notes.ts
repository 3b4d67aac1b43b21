import { saveCloseoutNotes } from '../../../core/domains/closeouts/actions.js'
import { html } from '../../html.js'
import { fieldValue, stepBar, stepForm, type StepPage, type StepRender } from './shared.js'

/** Step 2: the technician's notes, or a conscious "No notes". */
export const notesStep: StepPage = {
  step: 'notes',
  title: 'Notes',
  action: saveCloseoutNotes,
  render({ call, view, posted }: StepRender) {
    const noNotes = posted ? Boolean(posted.no_notes) : view.no_notes && view.steps_done.includes('notes')
    return html`${stepBar(view, 'notes')}${stepForm(
      call.session,
      view.ticket_id,
      'notes',
      html`
<label>What should the next visit know? (the customer, the property, pets, access)
<textarea name="notes" maxlength="5000" data-redact placeholder="Elderly woman, very nice. 20+ screens. Dog named Biscuit, keep gate closed.">${fieldValue(posted, 'notes', view.notes)}</textarea></label>
<p class="muted">Never write card numbers or social security numbers here.</p>
<input type="hidden" name="page_redactions_card" value="${fieldValue(posted, 'page_redactions_card', '0')}">
<input type="hidden" name="page_redactions_ssn" value="${fieldValue(posted, 'page_redactions_ssn', '0')}">
<label class="c"><input type="checkbox" name="no_notes" value="1"${noNotes ? html` checked` : ''}> No notes this time</label>
<button>Save and continue</button>`,
    )}`
  },
  data(posted) {
    const count = (name: string) => Math.max(0, Math.min(100, Math.trunc(Number(posted[name] ?? 0)) || 0))
    const card = count('page_redactions_card')
    const ssn = count('page_redactions_ssn')
    return { notes: posted.notes ?? '', no_notes: Boolean(posted.no_notes), ...(card || ssn ? { page_redactions: { card, ssn } } : {}) }
  },
}
