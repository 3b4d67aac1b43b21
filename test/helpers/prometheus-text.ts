/** One sample of Prometheus' text exposition format. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** The families declared by `# TYPE`, with their help, and every sample, in order. */
export interface Exposition {
  types: Map<string, string>
  help: Map<string, string>
  samples: Sample[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`)
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

/**
 * Parses the text format (version 0.0.4) strictly enough to fail on what Prometheus would refuse: a line that is neither a
 * comment nor a sample, a TYPE that is not one of the five, a sample before its family's TYPE, a family declared twice, a
 * value that is not a number, or labels that are not `name="value"` pairs.
 */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { types: new Map(), help: new Map(), samples: [] }
  if (!text.endsWith('\n')) throw new Error('the last line does not end with a line feed')
  const lines = text.split('\n')
  lines.pop()
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`
    if (line === '') {
      // empty lines are ignored by the format
    } else if (line.startsWith('# HELP ')) {
      const m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line)
      if (!m) throw new Error(`bad HELP, ${where}`)
      if (out.help.has(m[1])) throw new Error(`HELP given twice, ${where}`)
      out.help.set(m[1], m[2])
    } else if (line.startsWith('# TYPE ')) {
      const m = new RegExp(`^# TYPE (${NAME}) (\\w+)$`).exec(line)
      if (!m || !TYPES.has(m[2])) throw new Error(`bad TYPE, ${where}`)
      if (out.types.has(m[1])) throw new Error(`TYPE given twice, ${where}`)
      out.types.set(m[1], m[2])
    } else if (line.startsWith('#')) {
      // another comment: allowed
    } else {
      const m = SAMPLE.exec(line)
      if (!m) throw new Error(`not a sample, ${where}`)
      const [, name, labelText, valueText] = m
      const value = floatOf(valueText)
      if (value === undefined) throw new Error(`bad value, ${where}`)
      if (!familyOf(name, out.types)) throw new Error(`sample before its TYPE, ${where}`)
      out.samples.push({ name, labels: parseLabels(labelText ?? '', where), value })
    }
  })
  return out
}

/** The samples of one name whose labels include the given ones. */
export function samplesOf(e: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
}

/** The one value of a name with these labels; undefined when absent. */
export function metricValue(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samplesOf(e, name, labels)
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`)
  return found[0]?.value
}

/** The family a sample belongs to: its own name, or a histogram's or summary's with _bucket, _sum, _count cut off. */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name
  const base = name.replace(/_(bucket|sum|count|total)$/, '')
  return types.has(base) ? base : undefined
}

/** A value as Prometheus reads it (Go's ParseFloat): a decimal or exponent number, or Inf and NaN in any case, signed or not. */
function floatOf(text: string): number | undefined {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  if (/^[+-]?nan$/i.test(text)) return NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined
  return Number(text)
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {}
  LABEL.lastIndex = 0
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text)
    if (!m) throw new Error(`bad labels, ${where}`)
    labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
  }
  return labels
}
