/**
 * The tables a domain's SQL names today though neither it, core, nor a domain it uses owns them: `domain -> table`, with
 * what it does there, why and where. test/architecture/table-owners.test.ts fails for a crossing missing here and for one
 * listed here that the code no longer makes: each entry is a debt to pay by calling the owner's operation or query instead.
 */
export const TABLE_CROSSINGS: Readonly<Record<string, string>> = {
  'analytics -> addresses': "reads addresses's table to compute the business's figures (queries.ts)",
  'analytics -> invoices': "reads invoices's table to compute the business's figures (queries.ts)",
  'analytics -> payments': "reads invoices's table to compute the business's figures (queries.ts)",
  'analytics -> services': "reads services's table to compute the business's figures (queries.ts)",
  'analytics -> ticket_line_items': "reads tickets's table to compute the business's figures (queries.ts, sql.ts)",
  'analytics -> tickets': "reads tickets's table to compute the business's figures (queries.ts)",
  'approvals -> addresses':
    "reads addresses's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> contacts':
    "reads contacts's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, effect.ts, own-channels.ts)",
  'approvals -> customer_plans':
    "reads plans's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> documents':
    "reads documents's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> interactions':
    "reads interactions's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> invoices':
    "reads invoices's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> leads':
    "reads leads's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> notes':
    "reads notes's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> opportunities':
    "reads opportunities's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> orders':
    "reads orders's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> payments':
    "reads invoices's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> plans':
    "reads plans's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> quotes':
    "reads quotes's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> reach_out_batches':
    "reads reach-outs's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> reach_out_rules':
    "reads reach-outs's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> recurring_invoices':
    "reads recurring-invoices's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> segments':
    "reads segments's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> series':
    "reads series's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> services':
    "reads services's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> slot_offers':
    "reads offers's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'approvals -> ticket_line_items':
    "reads tickets's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> tickets':
    "reads tickets's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts, own-channels.ts)",
  'approvals -> waitlist_entries':
    "reads waitlist's table to describe the effect an approval request would have and check the channels it names (effect-labels.ts)",
  'attributes -> contacts': "reads contacts's table to find the records an attribute is set on (actions.ts)",
  'attributes -> tickets': "reads tickets's table to find the records an attribute is set on (actions.ts)",
  'autopay -> contacts':
    "writes contacts's table to read and mark the customer a card is saved for (actions.ts, allow-charge.ts, autopay.ts, card-links.ts, queries.ts)",
  'calendars -> addresses': "reads addresses's table to list visits in a calendar feed (feed.ts)",
  'calendars -> contacts': "reads contacts's table to list visits in a calendar feed (feed.ts)",
  'calendars -> ticket_line_items': "reads tickets's table to list visits in a calendar feed (feed.ts)",
  'calendars -> ticket_technicians': "reads tickets's table to list visits in a calendar feed (feed.ts)",
  'calendars -> tickets': "reads tickets's table to list visits in a calendar feed (feed.ts)",
  'closeouts -> contacts': "reads contacts's table to show the customer on the close-out form (model.ts)",
  'custom-fields -> contacts': "reads contacts's table to find the personal data held in custom field values (personal-data.ts)",
  'custom-fields -> tickets': "reads tickets's table to find the personal data held in custom field values (personal-data.ts)",
  'openings -> addresses': "reads addresses's table to find who could fill an open slot (openings-ahead.ts)",
  'openings -> services': "reads services's table to find who could fill an open slot (openings-ahead.ts)",
  'openings -> slot_offer_slots': "reads offers's table to find who could fill an open slot (queries.ts)",
  'openings -> slot_offers': "reads offers's table to find who could fill an open slot (queries.ts)",
  'openings -> waitlist_entries': "reads waitlist's table to find who could fill an open slot (openings-ahead.ts)",
  'google -> addresses':
    "reads addresses's table to match Google events and contacts to our records (calendar/series-event.ts, calendar/visit-event.ts)",
  'google -> contact_external_ids': "reads contacts's table to match Google events and contacts to our records (contacts-state.ts)",
  'google -> contacts':
    "reads contacts's table to match Google events and contacts to our records (contacts-query.ts, calendar/series-event.ts, calendar/visit-event.ts, calendar-in/requests-query.ts)",
  'google -> services': "reads services's table to match Google events and contacts to our records (calendar/series-event.ts)",
  'interactions -> contacts': "reads contacts's table to build a record's timeline (email/intake.ts)",
  'interactions -> document_versions': "reads documents's table to build a record's timeline (timeline.ts)",
  'interactions -> documents': "reads documents's table to build a record's timeline (timeline.ts)",
  'interactions -> gmail_messages': "reads google's table to build a record's timeline (email/intake.ts)",
  'interactions -> inbound_emails': "reads inbound-email's table to build a record's timeline (email/intake.ts)",
  'interactions -> invoices': "reads invoices's table to build a record's timeline (timeline.ts)",
  'interactions -> notes': "reads notes's table to build a record's timeline (timeline.ts)",
  'interactions -> opportunities': "reads opportunities's table to build a record's timeline (timeline.ts)",
  'interactions -> orders': "reads orders's table to build a record's timeline (timeline.ts)",
  'interactions -> payments': "reads invoices's table to build a record's timeline (timeline.ts)",
  'interactions -> quotes': "reads quotes's table to build a record's timeline (timeline.ts)",
  'interactions -> scheduled_messages': "reads messages's table to build a record's timeline (timeline.ts, email/intake.ts)",
  'interactions -> tickets': "reads tickets's table to build a record's timeline (timeline.ts)",
  'invoices -> attributes': "reads attributes's table to show the customer overview and bill orders (customer-overview.ts)",
  'invoices -> notes': "reads notes's table to show the customer overview and bill orders (customer-overview.ts)",
  'invoices -> orders': "reads orders's table to show the customer overview and bill orders (actions.ts)",
  'leads -> services': "reads services's table to offer services on the request form (request-form.ts, request-queries.ts)",
  'messages -> invoices':
    "reads invoices's table to render and check what a message says about a visit, invoice, quote or plan (follow-up-checks.ts, preview-queries.ts)",
  'messages -> payments':
    "reads invoices's table to render and check what a message says about a visit, invoice, quote or plan (follow-up-checks.ts)",
  'messages -> quotes':
    "reads quotes's table to render and check what a message says about a visit, invoice, quote or plan (follow-up-checks.ts)",
  'messages -> reach_out_rules':
    "reads reach-outs's table to render and check what a message says about a visit, invoice, quote or plan (reach-out-limits.ts)",
  'messages -> ticket_line_items':
    "reads tickets's table to render and check what a message says about a visit, invoice, quote or plan (render.ts)",
  'messages -> tickets':
    "writes tickets's table to render and check what a message says about a visit, invoice, quote or plan (appointment-messages.ts, preview-queries.ts, render.ts, response-links.ts)",
  'neighborhoods -> addresses': "reads addresses's table to place visits on the map's cells (cells.ts, queries.ts)",
  'neighborhoods -> ticket_line_items': "reads tickets's table to place visits on the map's cells (queries.ts)",
  'neighborhoods -> tickets': "reads tickets's table to place visits on the map's cells (queries.ts)",
  'offers -> addresses': "reads addresses's table to show where an offered slot is (offer-links.ts)",
  'opportunities -> contacts': "reads contacts's table to check the contact or lead an opportunity refers to (model.ts)",
  'partners -> invoices': "reads invoices's table to total a partner's referred invoices (queries.ts)",
  'plans -> addresses': "reads addresses's table to activate a plan for a customer and bill it (customer-plan-actions.ts)",
  'plans -> contacts': "reads contacts's table to activate a plan for a customer and bill it (customer-plan-actions.ts, model.ts)",
  'plans -> invoices': "reads invoices's table to activate a plan for a customer and bill it (model.ts)",
  'plans -> payments': "reads invoices's table to activate a plan for a customer and bill it (model.ts)",
  'plans -> tickets': "reads tickets's table to activate a plan for a customer and bill it (model.ts)",
  'quickbooks -> addresses': "reads addresses's table to sync customers and items (sync/customers.ts)",
  'quickbooks -> contact_external_ids': "reads contacts's table to sync customers and items (import-actions.ts)",
  'quickbooks -> contacts': "reads contacts's table to sync customers and items (queries.ts, sync/customers.ts)",
  'quickbooks -> services': "reads services's table to sync customers and items (queries.ts, sync/items.ts)",
  'quotes -> contacts': "reads contacts's table to address a quote to its customer (actions.ts, queries.ts, send-actions.ts)",
  'reach-outs -> addresses': "reads addresses's table to pick a reach-out's audience (audience.ts)",
  'reach-outs -> segment_members': "reads segments's table to pick a reach-out's audience (audience.ts)",
  'reach-outs -> segments': "reads segments's table to pick a reach-out's audience (model.ts, rule-input.ts)",
  'reach-outs -> ticket_line_items': "reads tickets's table to pick a reach-out's audience (audience.ts)",
  'reach-outs -> tickets': "reads tickets's table to pick a reach-out's audience (audience.ts)",
  'recurring-invoices -> customer_plans': "reads plans's table to price a plan's recurring invoice (model.ts)",
  'routes -> addresses': "reads addresses's table to plan a technician's day (day.ts, slot-driving.ts)",
  'routes -> contacts': "reads contacts's table to plan a technician's day (day.ts)",
  'routes -> ticket_technicians': "reads tickets's table to plan a technician's day (day.ts, queries.ts, slot-driving.ts)",
  'routes -> tickets': "reads tickets's table to plan a technician's day (actions.ts, day.ts, queries.ts, slot-driving.ts)",
  'search -> services': "reads services's table to answer questions about services (context.ts)",
  'segments -> addresses': "reads addresses's table to evaluate a segment's rules (queries.ts)",
  'segments -> invoices': "reads invoices's table to evaluate a segment's rules (rule.ts)",
  'segments -> ticket_line_items': "reads tickets's table to evaluate a segment's rules (rule.ts)",
  'segments -> tickets': "reads tickets's table to evaluate a segment's rules (rule.ts)",
  'series -> addresses': "reads addresses's table to schedule a series' visits (close-steps.ts)",
  'series -> contacts': "reads contacts's table to schedule a series' visits (actions.ts)",
  'services -> invoice_line_items': "reads invoices's table to count where a service is used before archiving it (model.ts)",
  'services -> ticket_line_items': "reads tickets's table to count where a service is used before archiving it (model.ts)",
  'services -> waitlist_entries': "reads waitlist's table to count where a service is used before archiving it (model.ts)",
  'tickets -> closeouts': "reads closeouts's table to show a visit's series, invoice and close-out (unbilled.ts)",
  'tickets -> invoices': "reads invoices's table to show a visit's series, invoice and close-out (queries.ts, unbilled.ts)",
  'tickets -> series': "reads series's table to show a visit's series, invoice and close-out (close-call.ts)",
  'timesheets -> ticket_technicians': "reads tickets's table to match time to assigned visits (queries.ts)",
  'waitlist -> addresses': "reads addresses's table to match a waitlist entry to visits (model.ts, queries.ts)",
  'waitlist -> tickets': "reads tickets's table to match a waitlist entry to visits (actions.ts)",
  'weather -> contacts': "reads contacts's table to warn about weather on a day's visits (queries.ts)",
  'weather -> ticket_technicians': "reads tickets's table to warn about weather on a day's visits (queries.ts)",
  'weather -> tickets': "reads tickets's table to warn about weather on a day's visits (queries.ts)",
}
