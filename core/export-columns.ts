/**
 * The columns of each exported list, as its data type returns them, so an empty export still has its header row.
 * Each include= expansion adds one column of its own name after these; the business's own fields of contacts and
 * tickets (custom_fields) come last, one column each (custom.<key>).
 */
export const EXPORT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  contacts: ['id', 'kind', 'display_name', 'first_name', 'last_name', 'email', 'phone', 'emails', 'phones', 'preferences', 'tags', 'status',
    'source', 'about', 'email_status', 'lifecycle', 'lifecycle_since', 'legal_name', 'industry', 'website', 'tax_id', 'billing_address',
    'archived_at', 'created_at', 'updated_at', 'merged_into', 'merged_at'],
  tickets: ['id', 'number', 'contact_id', 'contact_name', 'address_id', 'scheduled_start', 'scheduled_end', 'status', 'confirmation_status',
    'confirmation_note', 'is_price_estimated', 'series_id', 'paid_elsewhere', 'closed_at', 'actual_minutes', 'totals', 'time_on_site'],
  invoices: ['id', 'number', 'status', 'contact_id', 'ticket_id', 'currency', 'issued_on', 'due_on', 'terms', 'notes', 'subtotal_cents',
    'tax_cents', 'total_cents', 'amount_paid_cents', 'amount_due_cents', 'credit_cents', 'is_overdue', 'sent_at', 'voided_at', 'void_reason',
    'archived_at', 'created_at', 'updated_at'],
  payments: ['id', 'invoice_id', 'invoice_number', 'contact_id', 'contact_name', 'amount_cents', 'currency', 'method', 'reference',
    'received_at', 'created_at'],
  leads: ['id', 'status', 'raw_notes', 'name', 'phone', 'email', 'address', 'service_interest', 'source', 'urgency', 'property_details',
    'reminder_at', 'converted_contact_id', 'converted_at', 'archive_reason', 'archived_at', 'created_at', 'updated_at'],
  scheduled_messages: ['id', 'contact_id', 'kind', 'template_id', 'subject', 'body', 'send_at', 'status', 'ticket_id', 'invoice_id', 'quote_id',
    'attempts', 'last_error', 'sent_at', 'created_at', 'updated_at'],
  analytics_summary: ['metric', 'label', 'unit', 'this_period', 'compare_period', 'from', 'to', 'compare_from', 'compare_to'],
  analytics_by_service: ['service_id', 'service', 'visits', 'sales_cents', 'compare_visits', 'compare_sales_cents', 'from', 'to', 'compare_from', 'compare_to'],
  analytics_by_place: ['place', 'group_by', 'visits', 'sales_cents', 'compare_visits', 'compare_sales_cents', 'from', 'to', 'compare_from', 'compare_to'],
}
