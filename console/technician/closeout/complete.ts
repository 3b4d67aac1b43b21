import { completeCloseout } from '../../../core/domains/closeouts/actions.js'
import { html } from '../../html.js'
import { stepBar, stepForm, summary, type StepPage, type StepRender, type View } from './shared.js'

/** Step 5: a short summary and the one button that closes the ticket for good. */
export const completeStep: StepPage = {
  step: 'complete',
  title: 'Complete ticket',
  action: completeCloseout,
  render({ call, view }: StepRender) {
    const kept = ((view.attributes ?? []) as View[]).filter((a) => a.decision !== 'drop')
    const facts = kept.length
      ? `${kept.length} fact${kept.length === 1 ? '' : 's'} go${kept.length === 1 ? 'es' : ''} onto ${view.ticket.contact_name}: ${kept
          .map((a) => a.key.replace(/_/g, ' '))
          .join(', ')}.`
      : 'No new facts about the customer.'
    return html`${stepBar(view, 'complete')}${summary(view, false)}<p>${facts}</p>
<p class="muted">After this the ticket cannot change.</p>${stepForm(call.session, view.ticket_id, 'complete', html`<button>Complete ticket</button>`)}`
  },
  data: () => ({}),
}
