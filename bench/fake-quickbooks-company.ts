import { businessError, fakeFault, requiredMissing } from './fake-quickbooks-faults.js'
import { type ParsedQuery, matches } from './fake-quickbooks-query.js'
import { amount, cents, checkInvoice, checkItem, checkPayment, checkPerson } from './fake-quickbooks-rules.js'

/** A stored QuickBooks record. */
export type Rec = Record<string, any>

/** The entities the fake keeps, as QuickBooks spells them. */
export const ENTITIES = ['Customer', 'Vendor', 'Employee', 'Item', 'Account', 'Invoice', 'Payment'] as const
/** Name lists: a query without an Active condition sees only active entries. */
const NAME_LISTS = new Set(['Customer', 'Vendor', 'Employee', 'Item', 'Account'])

/** The entity name for a path or query word in any case, or undefined. */
export function entityNamed(word: string): string | undefined {
  return ENTITIES.find((e) => e.toLowerCase() === word.toLowerCase())
}

/** One QuickBooks company (realm) of the fake: its records and QuickBooks' rules over them. */
export class FakeCompany {
  readonly entities: Record<string, Map<string, Rec>> = Object.fromEntries(ENTITIES.map((e) => [e, new Map()]))
  /** Deleted transactions, as change data capture reports them. */
  readonly deleted: Record<string, Map<string, Rec>> = Object.fromEntries(ENTITIES.map((e) => [e, new Map()]))
  readonly preferences = { CustomTxnNumbers: false }
  /**
   * Basis points of the company's automated sales tax, or null: with it QuickBooks computes an invoice's tax itself from
   * its taxable lines and ignores the TotalTax sent, as US companies with automated sales tax do.
   */
  automatedSalesTaxBp: number | null = null
  /** The company's name, as GET companyinfo/{realm} gives it. */
  companyName = 'Sandbox Company_US_1'
  nextDocNumber = 1001
  private readonly voided = new Set<string>()
  private readonly nextIds: Record<string, number> = Object.fromEntries(ENTITIES.map((e) => [e, 1]))

  constructor(
    readonly realmId: string,
    readonly now: () => Date,
    private onCreate: (entity: string) => void,
  ) {
    const counted = this.onCreate
    // The income account every company starts with is not counted as created.
    this.onCreate = () => {}
    this.create('Account', { Name: 'Services', AccountType: 'Income', AccountSubType: 'ServiceFeeIncome' })
    this.onCreate = counted
  }

  records(entity: string): Rec[] {
    return [...(this.entities[entity]?.values() ?? [])]
  }

  find(entity: string, id: string): Rec | undefined {
    return this.entities[entity]?.get(id)
  }

  /** What an invoice still owes in cents, leaving out one payment (the one being checked). */
  balanceOf(invoiceId: string, exceptPaymentId?: string): number {
    const invoice = this.find('Invoice', invoiceId)
    if (!invoice || this.voided.has(invoiceId)) return 0
    let paid = 0
    for (const payment of this.records('Payment')) {
      if (payment.Id === exceptPaymentId) continue
      for (const line of payment.Line ?? []) {
        if ((line.LinkedTxn ?? []).some((t: Rec) => t.TxnType === 'Invoice' && String(t.TxnId) === invoiceId)) {
          paid += cents(line.Amount)
        }
      }
    }
    return cents(invoice.TotalAmt) - paid
  }

  create(entity: string, body: Rec): Rec {
    const record: Rec = structuredClone(body)
    delete record.Id
    delete record.SyncToken
    this.check(entity, record, true)
    record.Id = String(this.nextIds[entity]++)
    record.SyncToken = '0'
    record.domain = 'QBO'
    record.sparse = false
    const at = this.now().toISOString()
    record.MetaData = { CreateTime: at, LastUpdatedTime: at }
    if (entity === 'Invoice') record.Balance = record.TotalAmt
    this.entities[entity].set(record.Id, record)
    this.onCreate(entity)
    if (entity === 'Payment') this.settle(linkedInvoices(record))
    return record
  }

  update(entity: string, body: Rec): Rec {
    const existing = this.current(entity, body)
    const merged: Rec =
      body.sparse === true
        ? { ...structuredClone(existing), ...structuredClone(body) }
        : { ...structuredClone(body), Id: existing.Id, MetaData: existing.MetaData }
    this.check(entity, merged, false, existing)
    merged.SyncToken = String(Number(existing.SyncToken) + 1)
    merged.sparse = false
    merged.domain = 'QBO'
    merged.MetaData = { ...existing.MetaData, LastUpdatedTime: this.now().toISOString() }
    this.entities[entity].set(existing.Id, merged)
    if (entity === 'Invoice') this.settle([existing.Id], false)
    if (entity === 'Payment') this.settle([...linkedInvoices(existing), ...linkedInvoices(merged)])
    return this.find(entity, existing.Id) as Rec
  }

  /** POST invoice?operation=void: the invoice stays, worth nothing, noted "Voided". */
  voidInvoice(body: Rec): Rec {
    const invoice = this.current('Invoice', body)
    this.voided.add(invoice.Id)
    invoice.Line = invoice.Line.map((line: Rec) => ({ ...line, Amount: 0 }))
    invoice.TotalAmt = 0
    invoice.TxnTaxDetail = { ...invoice.TxnTaxDetail, TotalTax: 0 }
    invoice.PrivateNote = 'Voided'
    this.bump(invoice)
    this.settle([invoice.Id], false)
    return invoice
  }

  /** POST <entity>?operation=delete for transactions: gone, reported as Deleted by change data capture. */
  remove(entity: string, body: Rec): Rec {
    if (entity !== 'Invoice' && entity !== 'Payment') throw businessError(`${entity} cannot be deleted; make it inactive.`)
    const record = this.current(entity, body)
    if (entity === 'Invoice' && cents(record.Balance) !== cents(record.TotalAmt)) {
      throw businessError('This invoice has payments applied to it; delete the payments first.')
    }
    this.entities[entity].delete(record.Id)
    const at = this.now().toISOString()
    this.deleted[entity].set(record.Id, { domain: 'QBO', status: 'Deleted', Id: record.Id, MetaData: { LastUpdatedTime: at } })
    if (entity === 'Payment') this.settle(linkedInvoices(record))
    return { domain: 'QBO', status: 'Deleted', Id: record.Id }
  }

  /** A query's QueryResponse. */
  query(parsed: ParsedQuery): Rec {
    const entity = entityNamed(parsed.entity)
    if (!entity) throw fakeFault(400, '4000', 'Error parsing query', `QueryParserError: Invalid entity name: ${parsed.entity}`)
    const onlyActive = NAME_LISTS.has(entity) && !parsed.conditions.some((c) => c.field.toLowerCase() === 'active')
    const rows = this.records(entity)
      .filter((r) => (!onlyActive || r.Active !== false) && matches(r, parsed.conditions))
      .sort((a, b) => Number(a.Id) - Number(b.Id))
      .slice(parsed.startPosition - 1, parsed.startPosition - 1 + parsed.maxResults)
    return rows.length ? { [entity]: rows, startPosition: parsed.startPosition, maxResults: rows.length } : {}
  }

  /** Every record of these entities changed after `since`, deleted ones included. */
  changedSince(entities: string[], since: Date): Rec[] {
    return entities.map((entity) => {
      const changed = [...this.records(entity), ...(this.deleted[entity]?.values() ?? [])].filter(
        (r) => Date.parse(r.MetaData.LastUpdatedTime) > since.getTime(),
      )
      return changed.length
        ? { [entity]: changed, startPosition: 1, maxResults: changed.length, totalCount: changed.length }
        : { startPosition: 1, maxResults: 0, totalCount: 0 }
    })
  }

  /** The company's Preferences as GET preferences answers them. */
  preferencesBody(): Rec {
    return {
      AccountingInfoPrefs: { UseAccountNumbers: false, BookCloseDate: null },
      SalesFormsPrefs: {
        CustomTxnNumbers: this.preferences.CustomTxnNumbers,
        AllowDiscount: true,
        AllowDeposit: false,
        DefaultTerms: { value: '3' },
      },
      CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: 'USD' } },
      TaxPrefs: { UsingSalesTax: true },
      domain: 'QBO',
      sparse: false,
      Id: '1',
      SyncToken: '0',
      MetaData: { CreateTime: '2026-01-01T00:00:00.000Z', LastUpdatedTime: this.now().toISOString() },
    }
  }

  /** The CompanyInfo as GET companyinfo/{realm} answers it. */
  companyInfoBody(): Rec {
    return {
      CompanyName: this.companyName,
      LegalName: this.companyName,
      Country: 'US',
      CompanyAddr: { Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999' },
      domain: 'QBO',
      sparse: false,
      Id: this.realmId,
      SyncToken: '1',
      MetaData: { CreateTime: '2026-01-01T00:00:00.000Z', LastUpdatedTime: this.now().toISOString() },
    }
  }

  /** The stored record a write names, with the SyncToken QuickBooks expects. */
  private current(entity: string, body: Rec): Rec {
    if (!body.Id) throw requiredMissing('Id')
    const existing = this.find(entity, String(body.Id))
    if (!existing) {
      throw fakeFault(
        400,
        '610',
        'Object Not Found',
        "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
      )
    }
    if (body.SyncToken === undefined) throw requiredMissing('SyncToken')
    if (String(body.SyncToken) !== existing.SyncToken) {
      throw fakeFault(
        400,
        '5010',
        'Stale Object Error',
        'Stale Object Error : You and a QuickBooks user were working on this at the same time. They finished before you did, so your work was not saved.',
        'ValidationFault',
        'SyncToken',
      )
    }
    return existing
  }

  private check(entity: string, record: Rec, isNew: boolean, previous?: Rec) {
    if (entity === 'Customer' || entity === 'Vendor' || entity === 'Employee') checkPerson(this, entity, record)
    else if (entity === 'Item') checkItem(this, record)
    else if (entity === 'Invoice') {
      if (previous && this.voided.has(previous.Id)) throw businessError('A voided invoice cannot be changed.')
      checkInvoice(this, record, isNew, previous)
    } else if (entity === 'Payment') checkPayment(this, record)
    else if (entity === 'Account') record.Active = record.Active ?? true
  }

  private bump(record: Rec) {
    record.SyncToken = String(Number(record.SyncToken) + 1)
    record.MetaData = { ...record.MetaData, LastUpdatedTime: this.now().toISOString() }
  }

  /** Invoices' Balance and linked payments after a payment changed; each one changed gets a new SyncToken. */
  private settle(invoiceIds: string[], bumpChanged = true) {
    for (const id of new Set(invoiceIds)) {
      const invoice = this.find('Invoice', id)
      if (!invoice) continue
      const balance = amount(this.balanceOf(id))
      const links = this.records('Payment')
        .filter((p) => linkedInvoices(p).includes(id))
        .map((p) => ({ TxnId: p.Id, TxnType: 'Payment' }))
      const changed = invoice.Balance !== balance || JSON.stringify(invoice.LinkedTxn ?? []) !== JSON.stringify(links)
      invoice.Balance = balance
      invoice.LinkedTxn = links
      if (changed && bumpChanged) this.bump(invoice)
    }
  }
}

/** The invoice ids a payment is applied to. */
function linkedInvoices(payment: Rec): string[] {
  return (payment.Line ?? []).flatMap((line: Rec) =>
    (line.LinkedTxn ?? []).filter((t: Rec) => t.TxnType === 'Invoice').map((t: Rec) => String(t.TxnId)),
  )
}
