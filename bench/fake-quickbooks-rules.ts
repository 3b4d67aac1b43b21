import type { FakeCompany, Rec } from './fake-quickbooks-company.js'
import { businessError, fakeFault, invalidReference, requiredMissing } from './fake-quickbooks-faults.js'

/** The people whose DisplayName must be unique together. */
const NAMED = ['Customer', 'Vendor', 'Employee'] as const

/** Cents of a decimal amount, so sums are exact. */
export const cents = (amount: unknown) => Math.round(Number(amount) * 100)
/** A decimal amount of cents, as QuickBooks writes it. */
export const amount = (c: number) => c / 100

/** Customer, vendor and employee: DisplayName (or one made from the name parts) unique across all three, no colon. */
export function checkPerson(company: FakeCompany, entity: string, record: Rec): void {
  if (!record.DisplayName) {
    const parts = [record.Title, record.GivenName, record.MiddleName, record.FamilyName, record.Suffix].filter(Boolean)
    record.DisplayName = parts.length ? parts.join(' ') : record.CompanyName
  }
  if (!record.DisplayName || !String(record.DisplayName).trim()) requiredMissingThrow('DisplayName')
  for (const field of ['DisplayName', 'Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix', 'PrintOnCheckName']) {
    if (typeof record[field] === 'string' && /[:\t\n]/.test(record[field])) {
      throw businessError(`${field} must not contain a colon (:), tab or new line.`)
    }
  }
  const email = record.PrimaryEmailAddr?.Address
  if (email !== undefined && email !== '' && !(String(email).includes('@') && String(email).includes('.'))) {
    throw fakeFault(
      400,
      '2040',
      'Invalid Email Address format',
      `Email Address does not conform to the syntax rules of RFC 822. Supplied value:${email}`,
    )
  }
  record.Active = record.Active ?? true
  // QuickBooks keeps an inactive name list entry under "<name> (deleted)" and gives the name back.
  const name = String(record.DisplayName).trim()
  if (record.Active === false && !name.endsWith(' (deleted)')) record.DisplayName = `${name} (deleted)`
  if (record.Active !== false && name.endsWith(' (deleted)')) record.DisplayName = name.slice(0, -' (deleted)'.length)
  record.DisplayName = String(record.DisplayName).trim()
  const wanted = record.DisplayName.toLowerCase()
  for (const other of NAMED) {
    for (const existing of company.records(other)) {
      if (other === entity && existing.Id === record.Id) continue
      if (String(existing.DisplayName).toLowerCase() === wanted) {
        throw fakeFault(
          400,
          '6240',
          'Duplicate Name Exists Error',
          `The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name. Id=${existing.Id}`,
        )
      }
    }
  }
  record.FullyQualifiedName = record.DisplayName
  record.PrintOnCheckName = record.PrintOnCheckName ?? record.DisplayName
}

function requiredMissingThrow(field: string): never {
  throw requiredMissing(field)
}

/** Item: a unique Name; a service or non-inventory item needs an income account. */
export function checkItem(company: FakeCompany, record: Rec): void {
  if (!record.Name || !String(record.Name).trim()) requiredMissingThrow('Name')
  if (/[:\t\n]/.test(record.Name)) throw businessError('Name must not contain a colon (:), tab or new line.')
  const wanted = String(record.Name).trim().toLowerCase()
  for (const existing of company.records('Item')) {
    if (existing.Id !== record.Id && String(existing.Name).toLowerCase() === wanted) {
      throw fakeFault(400, '6240', 'Duplicate Name Exists Error', `The name supplied already exists. : ${record.Name}`)
    }
  }
  record.Type = record.Type ?? 'Service'
  record.Active = record.Active ?? true
  record.FullyQualifiedName = record.Name
  if (record.Type === 'Service' || record.Type === 'NonInventory') {
    const ref = record.IncomeAccountRef?.value
    if (!ref) requiredMissingThrow('IncomeAccountRef')
    const account = company.find('Account', String(ref))
    if (!account) throw invalidReference('Account', String(ref), 'IncomeAccountRef')
    if (account.AccountType !== 'Income') throw businessError(`Account ${ref} is not an income account.`)
  }
}

/** Invoice: customer and items exist, each Amount is UnitPrice * Qty, totals add up, DocNumber per the preference. */
export function checkInvoice(company: FakeCompany, record: Rec, isNew: boolean, previous?: Rec): void {
  const customerId = record.CustomerRef?.value
  if (!customerId) requiredMissingThrow('CustomerRef')
  if (!company.find('Customer', String(customerId))) throw invalidReference('Customer', String(customerId), 'CustomerRef')
  if (!Array.isArray(record.Line) || !record.Line.some((l: Rec) => l.DetailType !== 'SubTotalLineDetail')) {
    requiredMissingThrow('Line')
  }
  let subtotal = 0
  const lines: Rec[] = []
  for (const line of record.Line as Rec[]) {
    if (line.DetailType === 'SubTotalLineDetail') continue
    if (line.Amount === undefined) requiredMissingThrow('Line.Amount')
    if (line.DetailType === 'SalesItemLineDetail') {
      const detail = line.SalesItemLineDetail ?? {}
      const itemId = detail.ItemRef?.value
      if (!itemId) requiredMissingThrow('Line.SalesItemLineDetail.ItemRef')
      if (!company.find('Item', String(itemId))) throw invalidReference('Item', String(itemId), 'ItemRef')
      if (detail.Qty !== undefined && detail.UnitPrice !== undefined) {
        const expected = Math.round(Number(detail.Qty) * Number(detail.UnitPrice) * 100)
        if (expected !== cents(line.Amount)) {
          throw fakeFault(
            400,
            '6070',
            'Amount is not equal to UnitPrice * Qty',
            `Amount is not equal to UnitPrice * Qty. Supplied value:${line.Amount}`,
          )
        }
      }
    } else if (line.DetailType !== 'DescriptionOnly' && line.DetailType !== 'DiscountLineDetail') {
      throw fakeFault(
        400,
        '2010',
        'Request has invalid or unsupported property',
        `Property Name:DetailType specified is unsupported or invalid: ${line.DetailType}`,
      )
    }
    subtotal += line.DetailType === 'DiscountLineDetail' ? -cents(line.Amount) : cents(line.Amount)
    lines.push({ ...line, Id: String(lines.length + 1), LineNum: lines.length + 1 })
  }
  lines.push({ Amount: amount(subtotal), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} })
  record.Line = lines
  const taxable = lines.filter((l) => l.SalesItemLineDetail?.TaxCodeRef?.value === 'TAX').reduce((sum, l) => sum + cents(l.Amount), 0)
  const tax =
    company.automatedSalesTaxBp === null
      ? cents(record.TxnTaxDetail?.TotalTax ?? 0)
      : Math.round((taxable * company.automatedSalesTaxBp) / 10_000)
  record.TxnTaxDetail = { ...(record.TxnTaxDetail ?? {}), TotalTax: amount(tax) }
  record.TotalAmt = amount(subtotal + tax)
  const today = company.now().toISOString().slice(0, 10)
  record.TxnDate = record.TxnDate ?? today
  record.DueDate = record.DueDate ?? record.TxnDate
  record.CurrencyRef = record.CurrencyRef ?? { value: 'USD', name: 'United States Dollar' }
  if (company.preferences.CustomTxnNumbers) {
    if (record.DocNumber) {
      const taken = company.records('Invoice').find((i) => i.Id !== record.Id && i.DocNumber === record.DocNumber)
      if (taken) {
        throw fakeFault(
          400,
          '6140',
          'Duplicate Document Number Error',
          `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${record.DocNumber} is assigned to TxnType=Invoice with TxnId=${taken.Id}`,
        )
      }
    }
  } else record.DocNumber = isNew ? String(company.nextDocNumber++) : previous?.DocNumber
}

/** Payment: customer exists, each linked invoice is the customer's and owes at least what is applied to it. */
export function checkPayment(company: FakeCompany, record: Rec): void {
  const customerId = record.CustomerRef?.value
  if (!customerId) requiredMissingThrow('CustomerRef')
  if (!company.find('Customer', String(customerId))) throw invalidReference('Customer', String(customerId), 'CustomerRef')
  if (record.TotalAmt === undefined) requiredMissingThrow('TotalAmt')
  let applied = 0
  for (const line of (record.Line ?? []) as Rec[]) {
    for (const linked of (line.LinkedTxn ?? []) as Rec[]) {
      if (linked.TxnType !== 'Invoice') continue
      const invoice = company.find('Invoice', String(linked.TxnId))
      if (!invoice) throw invalidReference('Invoice', String(linked.TxnId), 'LinkedTxn')
      if (invoice.CustomerRef.value !== String(customerId)) {
        throw businessError(`Invoice ${invoice.Id} belongs to another customer than the payment.`)
      }
      const owed = company.balanceOf(invoice.Id, record.Id)
      if (cents(line.Amount) > owed) {
        throw businessError(
          `The payment amount applied to invoice ${invoice.DocNumber ?? invoice.Id} (${line.Amount}) is more than its balance (${amount(owed)}).`,
        )
      }
    }
    applied += cents(line.Amount)
  }
  if (applied > cents(record.TotalAmt)) throw businessError('The amounts applied to transactions exceed the payment amount.')
  record.TotalAmt = amount(cents(record.TotalAmt))
  record.UnappliedAmt = amount(cents(record.TotalAmt) - applied)
  record.TxnDate = record.TxnDate ?? company.now().toISOString().slice(0, 10)
}
