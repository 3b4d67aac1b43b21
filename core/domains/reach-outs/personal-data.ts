import type { PersonalTable } from '../../personal-data/declare.js'

/** Being in a rule's batch is not history the business keeps: the row goes; the email itself, if sent, is kept with the messages. */
export const reachOutRecipientsPersonalData: PersonalTable = {
  table: 'reach_out_recipients',
  place: 440,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: { why: 'personal' },
  export: {
    part: 'reach_outs',
    heading: 'Automatic reach-outs',
    order: 't.batch_id',
    adds: {
      rule: '(select r.name from reach_out_batches b join reach_out_rules r on r.id = b.rule_id where b.tenant_id = t.tenant_id and b.id = t.batch_id)',
      run_on: '(select b.run_on from reach_out_batches b where b.tenant_id = t.tenant_id and b.id = t.batch_id)',
    },
  },
}

/** A reach-out email's stop link: only its secret's hash, bookkeeping that goes with the customer. */
export const reachOutStopLinksPersonalData: PersonalTable = {
  table: 'reach_out_stop_links',
  place: 441,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: { token_hash: 'not personal' },
  export: null,
}
