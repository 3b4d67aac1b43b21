import { saveCloseoutAttributes } from '../../../core/domains/closeouts/actions.js'
import { html } from '../../html.js'
import { fieldError, fieldValue, stepBar, stepForm, summary, type Posted, type StepPage, type StepRender, type View } from './shared.js'

/** Blank rows offered for facts added by hand (more can be added after saving). */
const BLANK_ROWS = 2

const STATUS_CLASS: Record<string, string> = { ok: 'ok', failed: 'err', off: 'warn', empty: 'muted', pending: 'warn' }

/** Step 4: the frozen summary, and each fact read from the notes kept, edited or dropped, plus facts added by hand. */
export const confirmStep: StepPage = {
  step: 'confirm',
  title: 'Check and confirm',
  action: saveCloseoutAttributes,
  render({ call, view, posted }: StepRender) {
    const ex = view.extraction ?? { status: 'empty', message: 'No notes to read; add facts by hand if there are any.', attributes: [] }
    const saved = (view.attributes ?? []) as View[]
    const found = (ex.attributes as View[]).map((a, i) => {
      const prior = saved.find((d) => d.origin === 'extracted' && d.key === a.key)
      const decision = posted ? posted[`ex_decision_${i}`] : prior?.decision
      const radio = (d: string, label: string) =>
        html`<label class="c"><input type="radio" name="ex_decision_${i}" value="${d}" required${decision === d ? html` checked` : ''}> ${label}</label>`
      return html`<div class="card"><strong>${a.key.replace(/_/g, ' ')}</strong><input type="hidden" name="ex_key_${i}" value="${a.key}">
<input type="text" name="ex_value_${i}" aria-label="${a.key}" data-redact value="${fieldValue(posted, `ex_value_${i}`, prior?.value ?? a.value)}">
<div class="row">${radio('keep', 'Keep')}${radio('edit', 'Edit')}${radio('drop', 'Drop')}</div></div>`
    })
    const manual = saved.filter((d) => d.origin === 'manual')
    const rows = manual.length + BLANK_ROWS
    const manualRows = Array.from(
      { length: rows },
      (
        _,
        j,
      ) => html`<div class="row"><input type="text" name="man_key_${j}" placeholder="Fact, e.g. gate code" aria-label="Fact ${j + 1}" value="${fieldValue(posted, `man_key_${j}`, manual[j]?.key?.replace(/_/g, ' '))}">
<input type="text" name="man_value_${j}" placeholder="Value" aria-label="Value ${j + 1}" data-redact value="${fieldValue(posted, `man_value_${j}`, manual[j]?.value)}"></div>`,
    )
    return html`${stepBar(view, 'confirm')}${summary(view, true)}${stepForm(
      call.session,
      view.ticket_id,
      'confirm',
      html`
<h2>What we learned</h2><p class="${STATUS_CLASS[ex.status] ?? 'muted'}" id="extraction">${statusText(ex)}</p>${found}
<input type="hidden" name="ex_count" value="${(ex.attributes as View[]).length}"><input type="hidden" name="man_count" value="${rows}">
<h2>Add facts by hand</h2>${manualRows}
<button>Confirm</button>`,
    )}`
  },
  data(posted, view) {
    const extracted = (view.extraction?.attributes ?? []) as View[]
    const attributes: Array<Record<string, unknown>> = []
    extracted.forEach((a, i) => {
      const decision = posted[`ex_decision_${i}`]
      if (!decision) return
      const value = (posted[`ex_value_${i}`] ?? '').trim()
      // Keeping a fact whose text was changed is an edit.
      attributes.push({ key: a.key, value, origin: 'extracted', decision: decision === 'keep' && value !== a.value ? 'edit' : decision })
    })
    const rows = Math.min(40, Number(posted.man_count ?? 0) || 0)
    for (let j = 0; j < rows; j++) {
      const key = manualKey(posted, j)
      const value = (posted[`man_value_${j}`] ?? '').trim()
      if (!key && !value) continue
      if (!key) throw fieldError(`man_key_${j}`, `Name the fact for "${value}" (for example gate code)`)
      if (!value) throw fieldError(`man_value_${j}`, `Give a value for ${key.replace(/_/g, ' ')}`)
      attributes.push({ key, value, origin: 'manual', decision: 'keep' })
    }
    return { attributes }
  },
}

/** The extraction's state in words; it is always shown, so a failure is never silent. */
function statusText(ex: View): string {
  if (ex.status === 'pending') return 'Still reading the notes: reload this page in a moment.'
  return ex.message
}

/** A fact's name as typed ("Gate code") as a key ("gate_code"). */
function manualKey(posted: Posted, j: number): string {
  return (posted[`man_key_${j}`] ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(\d)/, 'fact_$1')
}
