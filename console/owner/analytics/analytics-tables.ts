import { formatMoney } from '../../../core/vocabulary/money.js'
import { addDays } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { barChart, type BarPair } from './bar-chart.js'
import { dateFormat } from '../../../core/text/date-format.js'

/** The days a report counted, as its records give them. */
export interface ReportDays {
  from: string
  to: string
  compare_from: string
  compare_to: string
}

/** A figure of the month as analytics_summary gives it. */
export interface Figure extends ReportDays {
  metric: string
  label: string
  unit: 'cents' | 'count'
  this_period: number | null
  compare_period: number | null
}

/** A row of sales by service or by place. */
export interface SalesRow extends ReportDays {
  name: string
  visits: number
  sales_cents: number
  compare_visits: number
  compare_sales_cents: number
}

/** One table of the page: its heading, the table, its chart and its CSV link. */
export interface Section {
  id: string
  heading: string
  csvHref: string
  csvLabel: string
}

/** "Nov 2026" for a whole month, "Nov 1–22, 2026" for part of one. */
export function periodLabel(from: string, to: string): string {
  const day = (d: string, opts: Intl.DateTimeFormatOptions) =>
    dateFormat('en-US', { timeZone: 'UTC', ...opts }).format(new Date(`${d}T12:00:00Z`))
  if (from.endsWith('-01') && addDays(to, 1).endsWith('-01')) return day(from, { month: 'short', year: 'numeric' })
  return `${day(from, { month: 'short', day: 'numeric' })}–${Number(to.slice(8))}, ${from.slice(0, 4)}`
}

/** The month's figures: a table of both periods, then a chart of each figure's pair. */
export function figuresSection(section: Section, figures: readonly Figure[], currency: string): SafeHtml {
  const days = figures[0]
  const [mine, theirs] = [periodLabel(days.from, days.to), periodLabel(days.compare_from, days.compare_to)]
  const text = (f: Figure, n: number | null) => (n === null ? '–' : f.unit === 'cents' ? formatMoney(n, currency) : String(n))
  const rows = figures.map(
    (f) =>
      html`<tr><th scope="row">${f.label}</th><td class="num">${text(f, f.this_period)}</td><td class="num">${text(f, f.compare_period)}</td></tr>`,
  )
  const pairs: BarPair[] = figures.map((f) => ({
    label: f.label,
    value: f.this_period ?? 0,
    compare: f.compare_period ?? 0,
    text: text(f, f.this_period),
    compareText: text(f, f.compare_period),
  }))
  return html`<section aria-labelledby="${section.id}"><h2 id="${section.id}">${section.heading}</h2>
<table><thead><tr><th scope="col">Figure</th><th scope="col" class="r">${mine}</th><th scope="col" class="r">${theirs}</th></tr></thead><tbody>${rows}</tbody></table>
${barChart({ id: `${section.id}-c`, title: `${section.heading}: ${mine} against ${theirs}, each figure on its own scale`, valueLabel: mine, compareLabel: theirs, pairs, scale: 'pair' })}
${csvLink(section)}</section>`
}

/** Sales by service or by place: a table with each period's sales and visits, then a chart of the sales. */
export function salesSection(section: Section, what: string, rows: readonly SalesRow[], currency: string, more: boolean): SafeHtml {
  if (!rows.length) {
    return html`<section aria-labelledby="${section.id}"><h2 id="${section.id}">${section.heading}</h2><p class="note">No completed visits in either period.</p></section>`
  }
  const [mine, theirs] = [periodLabel(rows[0].from, rows[0].to), periodLabel(rows[0].compare_from, rows[0].compare_to)]
  const cell = (cents: number, visits: number) =>
    html`<td class="num">${formatMoney(cents, currency)}<small>${visits === 1 ? '1 visit' : `${visits} visits`}</small></td>`
  const body = rows.map(
    (r) => html`<tr><th scope="row">${r.name}</th>${cell(r.sales_cents, r.visits)}${cell(r.compare_sales_cents, r.compare_visits)}</tr>`,
  )
  const pairs: BarPair[] = rows.map((r) => ({
    label: r.name,
    value: r.sales_cents,
    compare: r.compare_sales_cents,
    text: formatMoney(r.sales_cents, currency),
    compareText: formatMoney(r.compare_sales_cents, currency),
  }))
  return html`<section aria-labelledby="${section.id}"><h2 id="${section.id}">${section.heading}</h2>
<table class="sales"><thead><tr><th scope="col">${what}</th><th scope="col" class="r">${mine}</th><th scope="col" class="r">${theirs}</th></tr></thead><tbody>${body}</tbody></table>
${more ? html`<p class="note">Showing the largest ${rows.length}; the CSV has them all.</p>` : ''}
${barChart({ id: `${section.id}-c`, title: `${section.heading}: sales in ${mine} against ${theirs}`, valueLabel: mine, compareLabel: theirs, pairs, scale: 'shared' })}
${csvLink(section)}</section>`
}

function csvLink(section: Section): SafeHtml {
  return html`<p><a href="${section.csvHref}" download>${section.csvLabel}</a></p>`
}
