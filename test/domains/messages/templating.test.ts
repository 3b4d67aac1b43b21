import { describe, expect, it } from 'vitest'
import { DEFAULT_TEMPLATES } from '../../../core/domains/messages/default-templates.js'
import { TEMPLATE_KINDS } from '../../../core/domains/messages/kinds.js'
import { KIND_DECLARATIONS, TEMPLATE_VARIABLES } from '../../../core/domains/message-kinds.js'
import { renderTemplate, templateIssues, variablesIn } from '../../../core/text/templating.js'

describe('template rendering', () => {
  it('fills known variables, with spaces inside the braces allowed', () => {
    expect(
      renderTemplate('Hi {{customer_first_name}}, see you {{ appointment_date }}.', {
        customer_first_name: 'Jane',
        appointment_date: 'Tuesday',
      }),
    ).toBe('Hi Jane, see you Tuesday.')
  })

  it('renders a missing or null value as empty text', () => {
    expect(renderTemplate('Due: {{amount_due}}!', {})).toBe('Due: !')
    expect(renderTemplate('Due: {{amount_due}}!', { amount_due: null })).toBe('Due: !')
  })

  it('drops a line that held only placeholders which all rendered empty, without leaving a double gap', () => {
    const text = 'Hi {{customer_first_name}},\n\n{{custom_message}}\n\nThanks\nLink: {{confirm_link}}'
    expect(renderTemplate(text, { customer_first_name: 'Al' })).toBe('Hi Al,\n\nThanks')
    expect(renderTemplate(text, { customer_first_name: 'Al', custom_message: 'Bring ladders' })).toBe('Hi Al,\n\nBring ladders\n\nThanks')
  })

  it('drops a short label whose placeholders all rendered empty, and keeps it when one has a value', () => {
    const text = 'Invoice {{invoice_number}}\nPay online: {{payment_link}}\n{{payment_instructions}}\nNote: see you {{appointment_date}}.'
    expect(renderTemplate(text, { invoice_number: 'INV-1', payment_instructions: 'Pay by check' })).toBe(
      'Invoice INV-1\nPay by check\nNote: see you .',
    )
    expect(renderTemplate(text, { invoice_number: 'INV-1', payment_link: 'https://pay.example/x' })).toBe(
      'Invoice INV-1\nPay online: https://pay.example/x\nNote: see you .',
    )
  })

  it('never evaluates anything: a value that looks like a placeholder or code is inserted as written', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} is the input under test
    const values = { customer_name: '{{business_name}} ${process.exit()} <b>&', business_name: 'Sparkle' }
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} is the input under test
    expect(renderTemplate('{{customer_name}} / {{business_name}}', values)).toBe('{{business_name}} ${process.exit()} <b>& / Sparkle')
  })

  it('lists the variables a text uses, once each', () => {
    expect(variablesIn('{{a}} {{ b }} {{a}}')).toEqual(['a', 'b'])
  })

  it('names unknown variables and lists the known ones', () => {
    const issues = templateIssues('data.body', 'Hi {{customer_nme}} {{price}} {{customer_name}}', TEMPLATE_VARIABLES)
    expect(issues).toHaveLength(1)
    expect(issues[0].field).toBe('data.body')
    expect(issues[0].message).toContain('{{customer_nme}}, {{price}}')
    expect(issues[0].message).toContain('customer_first_name')
    expect(issues[0].message).not.toContain('{{customer_name}}')
  })

  it('refuses unbalanced braces', () => {
    expect(templateIssues('data.subject', 'Hi {{customer_name', TEMPLATE_VARIABLES)).toEqual([
      expect.objectContaining({ field: 'data.subject' }),
    ])
    expect(templateIssues('data.subject', 'Hi customer_name}}', TEMPLATE_VARIABLES)).toHaveLength(1)
    expect(templateIssues('data.subject', 'Hi {{customer_name}}', TEMPLATE_VARIABLES)).toEqual([])
  })

  it('has a default template for every kind that goes by email, and words as a text, that use only known variables', () => {
    for (const k of KIND_DECLARATIONS.values()) {
      if (k.text) expect(templateIssues('text', k.text.words, TEMPLATE_VARIABLES), k.kind).toEqual([])
    }
    for (const kind of TEMPLATE_KINDS) {
      const t = DEFAULT_TEMPLATES[kind]
      expect(templateIssues('subject', t.subject, TEMPLATE_VARIABLES), kind).toEqual([])
      expect(templateIssues('body', t.body, TEMPLATE_VARIABLES), kind).toEqual([])
      for (const name of variablesIn(t.subject + t.body)) expect(Object.keys(TEMPLATE_VARIABLES)).toContain(name)
    }
    expect(variablesIn(DEFAULT_TEMPLATES.confirmation.body)).toEqual(
      expect.arrayContaining(['confirm_link', 'decline_link', 'change_link']),
    )
    expect(variablesIn(DEFAULT_TEMPLATES.invoice.body)).toEqual(expect.arrayContaining(['invoice_number', 'amount_due', 'how_to_pay']))
  })
})
