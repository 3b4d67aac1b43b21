import { fakeFault } from './fake-quickbooks-faults.js'

/** One condition of a query's where clause. */
export interface Condition {
  field: string
  op: '=' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'like'
  values: string[]
}

/** A parsed `select * from <Entity> [where ...] [startposition N] [maxresults M]`. */
export interface ParsedQuery {
  entity: string
  conditions: Condition[]
  startPosition: number
  maxResults: number
}

/** QuickBooks' query language, the part the product uses; anything else is a QueryParserError. */
export function parseQuery(text: string): ParsedQuery {
  const tokens = tokenize(text)
  let at = 0
  const peek = () => tokens[at]
  const next = () => tokens[at++]
  const word = (expected: string) => {
    const token = next()
    if (!token || token.kind === 'string' || token.text.toLowerCase() !== expected) {
      throw parserError(`Encountered "${token?.text ?? '<EOF>'}" ... Was expecting "${expected}"`)
    }
  }
  word('select')
  if (next()?.text !== '*') throw parserError('only "select *" is supported')
  word('from')
  const entity = next()
  if (entity?.kind !== 'word') throw parserError('an entity name is expected after "from"')
  const parsed: ParsedQuery = { entity: entity.text, conditions: [], startPosition: 1, maxResults: 100 }
  if (peek()?.text.toLowerCase() === 'where') {
    next()
    for (;;) {
      const field = next()
      if (field?.kind !== 'word') throw parserError('a field name is expected in the where clause')
      const opToken = next()
      const op = opToken?.text.toLowerCase() as Condition['op']
      if (!['=', '!=', '<', '>', '<=', '>=', 'in', 'like'].includes(op)) {
        throw parserError(`Encountered "${opToken?.text ?? '<EOF>'}" after ${field.text}`)
      }
      const values: string[] = []
      if (op === 'in') {
        if (next()?.text !== '(') throw parserError('"(" is expected after "in"')
        for (;;) {
          values.push(literalOf(next()))
          const sep = next()
          if (sep?.text === ')') break
          if (sep?.text !== ',') throw parserError('"," or ")" is expected in an "in" list')
        }
      } else values.push(literalOf(next()))
      parsed.conditions.push({ field: field.text, op, values })
      if (peek()?.text.toLowerCase() !== 'and') break
      next()
    }
  }
  while (peek()) {
    const keyword = next().text.toLowerCase()
    const number = Number(next()?.text)
    if (!Number.isInteger(number) || number < 1) throw parserError(`a positive number is expected after ${keyword}`)
    if (keyword === 'startposition') parsed.startPosition = number
    else if (keyword === 'maxresults') parsed.maxResults = Math.min(number, 1000)
    else if (keyword === 'orderby') throw parserError('orderby is not supported by this fake')
    else throw parserError(`Encountered "${keyword}"`)
  }
  return parsed
}

interface Token {
  kind: 'word' | 'string' | 'symbol'
  text: string
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) i++
    else if (c === "'") {
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) throw parserError('a quoted value is not closed')
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text[i + 1]
          i += 2
        } else if (text[i] === "'") {
          i++
          break
        } else value += text[i++]
      }
      tokens.push({ kind: 'string', text: value })
    } else if (/[(),*]/.test(c)) tokens.push({ kind: 'symbol', text: text[i++] })
    else if (/[<>!=]/.test(c)) {
      const two = text.slice(i, i + 2)
      const op = ['<=', '>=', '!='].includes(two) ? two : c
      tokens.push({ kind: 'symbol', text: op })
      i += op.length
    } else {
      const match = /^[A-Za-z0-9_.\-:+]+/.exec(text.slice(i))
      if (!match) throw parserError(`Lexical error at character "${c}"`)
      tokens.push({ kind: 'word', text: match[0] })
      i += match[0].length
    }
  }
  return tokens
}

function literalOf(token: Token | undefined): string {
  if (!token) throw parserError('a value is expected')
  if (token.kind === 'string') return token.text
  if (token.kind === 'word' && /^(true|false|-?\d+(\.\d+)?)$/i.test(token.text)) return token.text.toLowerCase()
  throw parserError(`Encountered "${token.text}": values are quoted ('...')`)
}

function parserError(detail: string) {
  return fakeFault(400, '4000', 'Error parsing query', `QueryParserError: ${detail}`)
}

/** The value at a field path of a record; an email or phone field compares by its address or number. */
function fieldValue(record: Record<string, any>, field: string): unknown {
  let value: any = record
  for (const part of field.split('.')) {
    if (value == null || typeof value !== 'object') return undefined
    const key = Object.keys(value).find((k) => k.toLowerCase() === part.toLowerCase())
    value = key === undefined ? undefined : value[key]
  }
  if (value && typeof value === 'object') value = value.Address ?? value.FreeFormNumber ?? value.value
  return value
}

/** True when a record meets every condition; text compares without case, as QuickBooks does. */
export function matches(record: Record<string, any>, conditions: Condition[]): boolean {
  return conditions.every((c) => {
    const raw = fieldValue(record, c.field)
    if (raw === undefined) return c.op === '!='
    const actual = String(raw).toLowerCase()
    const compare = (wanted: string) => {
      const a = Number(actual)
      const b = Number(wanted)
      const numeric = actual !== '' && wanted !== '' && Number.isFinite(a) && Number.isFinite(b)
      const times = Date.parse(actual) && Date.parse(wanted) && !numeric ? [Date.parse(actual), Date.parse(wanted)] : null
      const [x, y] = numeric ? [a, b] : times ? times : [actual, wanted]
      return x < y ? -1 : x > y ? 1 : 0
    }
    const wanted = c.values.map((v) => v.toLowerCase())
    switch (c.op) {
      case '=':
        return actual === wanted[0]
      case '!=':
        return actual !== wanted[0]
      case 'in':
        return wanted.includes(actual)
      case 'like': {
        const pattern = wanted[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')
        return new RegExp(`^${pattern}$`).test(actual)
      }
      case '<':
        return compare(wanted[0]) < 0
      case '>':
        return compare(wanted[0]) > 0
      case '<=':
        return compare(wanted[0]) <= 0
      default:
        return compare(wanted[0]) >= 0
    }
  })
}
