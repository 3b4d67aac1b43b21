import { APPOINTMENT_KINDS, type AppointmentKind } from './appointment-messages.js'
import { followUpHold, type KindDeclaration, type TemplateText } from './message-kind.js'
import { issueResponseLinks } from './response-links.js'

/** The end of the emails that ask the customer to answer for an appointment: where, what, the price and the three links. */
const ASKS_FOR_AN_ANSWER = `Address: {{appointment_address}}
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Confirm this time: {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}`

/** How the owner's pages name the emails about one appointment. */
const APPOINTMENT_LABELS: Record<AppointmentKind, string> = {
  confirmation: 'Confirmation',
  reminder: 'Reminder',
  follow_up: 'Follow-up',
  moved: 'Visit moved',
}

/** The templates of the emails about one appointment. */
const APPOINTMENT_TEMPLATES: Record<AppointmentKind, TemplateText> = {
  confirmation: {
    name: 'Default confirmation',
    subject: 'Please confirm your appointment on {{appointment_date}}',
    body: `Hi {{customer_first_name}},

You are scheduled with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
${ASKS_FOR_AN_ANSWER}`,
  },
  reminder: {
    name: 'Default reminder',
    subject: 'Reminder: {{business_name}} is coming on {{appointment_date}}',
    body: `Hi {{customer_first_name}},

This is a friendly reminder that {{business_name}} will be at {{appointment_address}} on {{appointment_date}} at {{appointment_time}}.
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Need a different time? {{change_link}}

See you soon,
{{business_name}}`,
  },
  follow_up: {
    name: 'Default follow-up',
    subject: 'Reminder: please confirm your appointment on {{appointment_date}}',
    body: `Hi {{customer_first_name}},

We have not heard back about your appointment with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
${ASKS_FOR_AN_ANSWER}`,
  },
  moved: {
    name: 'Default visit moved',
    subject: 'Your appointment with {{business_name}} has moved to {{appointment_date}}',
    body: `Hi {{customer_first_name}},

We are sorry: we had to move your appointment with {{business_name}} from {{previous_appointment_date}} at {{previous_appointment_time}}
to {{appointment_date}} at {{appointment_time}}.
Address: {{appointment_address}}
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Does the new time work? {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}`,
  },
}

/** The emails about one appointment, each with the links that confirm, move or cancel it. */
const appointmentKinds: readonly KindDeclaration[] = APPOINTMENT_KINDS.map((kind) => ({
  kind,
  label: APPOINTMENT_LABELS[kind],
  template: APPOINTMENT_TEMPLATES[kind],
  issueLinks: (tx, services, tenantId, m) =>
    issueResponseLinks(tx, services, tenantId, { id: m.id, kind: m.kind, ticket_id: (m.ticket_id as string | null) ?? null }),
}))

/** The emails of this domain's own: those about an appointment, the request for a review after one, and a message the business writes. */
export const messageKinds: readonly KindDeclaration[] = [
  ...appointmentKinds,
  {
    kind: 'review_request',
    label: 'Review request',
    template: {
      name: 'Default review request',
      subject: 'How did we do, {{customer_first_name}}?',
      body: `Hi {{customer_first_name}},

Thank you for choosing {{business_name}} for your visit on {{appointment_date}}.
If you were happy with our work, a short review helps us a lot: {{review_link}}

{{custom_message}}

Thank you,
{{business_name}}`,
    },
    holdBack: followUpHold,
  },
  {
    kind: 'custom',
    label: 'Custom message',
    template: {
      name: 'Default custom message',
      subject: 'A message from {{business_name}}',
      body: `Hi {{customer_first_name}},

{{custom_message}}

{{business_name}}`,
    },
  },
]
