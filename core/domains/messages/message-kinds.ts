import { addDays, zonedInstant } from '../../vocabulary/time.js'
import { clockTime, longDate } from '../../text/date-words.js'
import type { TemplateSamples } from './message-kind.js'
import { APPOINTMENT_KINDS, type AppointmentKind } from './appointment-messages.js'
import { followUpHold, type KindDeclaration, type TemplateText, type TemplateVariables } from './message-kind.js'
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

/** The texts about one appointment; a customer answers them with C or R. Follow-ups do not chase by text. */
const APPOINTMENT_TEXTS: Partial<Record<AppointmentKind, string>> = {
  confirmation: '{{business_name}}: you are booked {{appointment_date}} at {{appointment_time}}. Reply C to confirm or R to reschedule.',
  reminder: '{{business_name}}: reminder, we come {{appointment_date}} at {{appointment_time}}. Reply C to confirm or R to reschedule.',
  moved: '{{business_name}}: your visit moved to {{appointment_date}} at {{appointment_time}}. Reply C to confirm or R to reschedule.',
}

/** The emails about one appointment, each with the links that confirm, move or cancel it. */
const appointmentKinds: readonly KindDeclaration[] = APPOINTMENT_KINDS.map((kind) => ({
  kind,
  label: APPOINTMENT_LABELS[kind],
  template: APPOINTMENT_TEMPLATES[kind],
  ...(APPOINTMENT_TEXTS[kind] ? { text: { words: APPOINTMENT_TEXTS[kind], consent: 'service' as const } } : {}),
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
    text: { words: '{{business_name}}: {{custom_message}}', consent: 'service' },
  },
  {
    kind: 'on_my_way',
    label: 'On my way',
    template: {
      name: 'Default on my way',
      subject: '{{business_name}} is on the way',
      body: `Hi {{customer_first_name}},

We are on our way to {{appointment_address}} and should arrive about {{arrival_time}}.

{{custom_message}}

{{business_name}}`,
    },
    text: { words: '{{business_name}}: we are on our way and should arrive about {{arrival_time}}.', consent: 'service' },
  },
]

/** The variables this domain fills in the templates of its emails, with what each holds when a message is rendered. */
export const templateVariables: TemplateVariables = {
  customer_name: "The contact's display name, e.g. Jane Smith",
  customer_first_name: "The contact's first name (the first word of the display name when none is stored)",
  business_name: "The business's name from its settings",
  business_email: "The business's reply-to email address from its settings",
  reply_invitation:
    "'Reply to this email with a few days and times that suit you.' when the business has a reply-to address (settings " +
    'reply_to_email); empty otherwise, and its line dropped, so no email asks for a reply that would reach nobody',
  previous_appointment_date:
    "In an email saying a visit moved: the date it had before, in the business's time zone, e.g. Monday, March 2, 2026",
  previous_appointment_time: 'In an email saying a visit moved: the start time it had before, e.g. 9:00 AM',
  custom_message: 'The custom text written for this one message (empty when none was given)',
  arrival_time: 'In an "on my way" message: when the technician should arrive, e.g. 9:40 AM (from the route when there is one)',
  payment_instructions: "The business's payment instructions from its settings",
  how_to_pay:
    "The way to pay, from the invoice and the business's settings only: the amount due and due date, the pay link and the " +
    'payment instructions (for quotes: the payment instructions). Invoice, reminder and quote emails always carry it: a ' +
    'template that does not place it gets it at the end',
  confirm_link: 'A link the customer clicks to confirm the appointment (made when the message is sent)',
  decline_link: 'A link the customer clicks to decline the appointment (made when the message is sent)',
  change_link: 'A link the customer clicks to ask for a different time (made when the message is sent)',
  last_service_date: "The date of the contact's last completed appointment, e.g. September 2, 2025",
  reach_out_months: 'Whole months from the last completed appointment to the send time, e.g. 6',
  review_link: 'The page where customers review the business, from its settings (review_link), e.g. a Google review page',
}

/** Made-up values of this domain's variables, for a template preview without a real customer. */
export const templateSamples: TemplateSamples = ({ settings, day, start }) => {
  const tz = settings.timezone
  return {
    customer_name: 'Jane Sample',
    customer_first_name: 'Jane',
    previous_appointment_date: longDate(zonedInstant(addDays(day, -2), '09:00', tz), tz),
    previous_appointment_time: clockTime(start, tz),
    confirm_link: '[confirm link]',
    decline_link: '[decline link]',
    change_link: '[change link]',
    last_service_date: longDate(zonedInstant(addDays(day, -190), '09:00', tz), tz, false),
    reach_out_months: 6,
    arrival_time: clockTime(start, tz),
  }
}
