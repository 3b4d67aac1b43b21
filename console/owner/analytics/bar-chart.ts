import { html, type SafeHtml } from '../../html.js'

/** One pair of bars: a thing, its number in the period shown and in the period compared, and how each is written. */
export interface BarPair {
  label: string
  value: number
  compare: number
  text: string
  compareText: string
}

/** A chart to draw: its name (the accessible title), what the two bar kinds stand for, and the pairs. */
export interface BarChart {
  /** Unique on the page: it names the chart's title and hatch pattern. */
  id: string
  title: string
  valueLabel: string
  compareLabel: string
  pairs: readonly BarPair[]
  /** Each pair against its own larger number (figures in different units), or every bar against the largest. */
  scale: 'pair' | 'shared'
}

const WIDTH = 360
const LEGEND = 26
const ROW = 50
const BAR = 13
// Room right of the longest bar for its number, e.g. "$12,345.67".
const LONGEST_BAR = WIDTH - 110
const LABEL_CHARS = 44

/**
 * Horizontal bars as inline SVG, drawn on the server: the period shown solid, the one compared hatched (so the two differ
 * by more than colour), each pair under its label, each bar's number after it. Scales to the page's width by its viewBox;
 * the table beside it carries the same numbers for anyone who cannot see it.
 */
export function barChart(chart: BarChart): SafeHtml {
  const height = LEGEND + chart.pairs.length * ROW
  const largest = Math.max(1, ...chart.pairs.flatMap((p) => [p.value, p.compare]))
  const rows = chart.pairs.map((p, i) => {
    const top = LEGEND + i * ROW
    const most = chart.scale === 'pair' ? Math.max(1, p.value, p.compare) : largest
    return html`<text x="0" y="${top + 12}">${shortened(p.label)}</text>${bar(top + 17, p.value / most, p.text, 'b')}${bar(top + 33, p.compare / most, p.compareText, `url(#${chart.id}-h)`)}`
  })
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${chart.id}-t"><title id="${chart.id}-t">${chart.title}</title>
<defs><pattern id="${chart.id}-h" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"></rect><rect width="3" height="6" fill="#50575e"></rect></pattern></defs>
<rect x="0" y="4" width="14" height="12" class="b"></rect><text x="20" y="15">${chart.valueLabel}</text>
<rect x="180" y="4" width="14" height="12" fill="url(#${chart.id}-h)" class="c"></rect><text x="200" y="15">${chart.compareLabel}</text>${rows}</svg>`
}

function bar(y: number, share: number, text: string, fill: string): SafeHtml {
  const width = Math.round(Math.max(0, Math.min(1, share)) * LONGEST_BAR)
  const shape =
    width > 0
      ? fill === 'b'
        ? html`<rect x="0" y="${y}" width="${width}" height="${BAR}" class="b"></rect>`
        : html`<rect x="0" y="${y}" width="${width}" height="${BAR}" fill="${fill}" class="c"></rect>`
      : ''
  return html`${shape}<text x="${width + 4}" y="${y + 11}">${text}</text>`
}

function shortened(label: string): string {
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label
}
