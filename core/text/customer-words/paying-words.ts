/*
 * Words about paying, in English and Spanish, read in the word view of a text (core/text/customer-words/readable.ts: small
 * letters, look-alikes, spelled-out and leetspeak letters already folded). Paying is the owner's block, rendered by the
 * product from the owner's settings: an agent's words that ask, tell or explain how, where or whom to pay wait for the
 * owner. Words that only look like money in an ordinary sense stay ordinary: "pay attention", "pay a visit", "a wire
 * brush", "transfer your appointment", "mineral deposits", "the balance of sun and shade", "check the gutters".
 */

/** A place in the word view where a rule finds words about paying. */
export interface PayingFinding {
  start: number
  end: number
  kind: string
}

/**
 * A rule's source as the word view reads it: "rn" is m there and a capital I is l, so each i of a word also matches l.
 * Written in small letters; a character class must not hold an i.
 */
function folded(source: string): string {
  if (/\[[^\]]*i[^\]]*\]/.test(source)) throw new Error(`A paying-words rule's class holds an i: ${source}`)
  // Every rule also runs inside one alternation (ANY_RULE), where a group's number would be another rule's.
  if (/\\[1-9]|\\k</.test(source)) throw new Error(`A paying-words rule refers back to a group: ${source}`)
  return source.replace(/rn/g, 'm').replace(/i/g, '[il]')
}

/** A name as written with one space or mark anywhere inside it ("Zel le", "Ven-mo", "Pay Pal"). */
function split(name: string): string {
  const letters = [...name]
  const ways = letters.slice(1).map((_, k) => `${letters.slice(0, k + 1).join('')}[\\s.\\-_*'·]${letters.slice(k + 1).join('')}`)
  return `(?:${[name, ...ways].join('|')})`
}

const MONEY = String.raw`(?:(?:the|your|a|an|all|any|our|this|that|full|remaining|outstanding)\s+)*(?:money|payments?|funds|balance|amount|total|sum|deposit|fee|invoice|bill|remainder|rest|\$|\d)`
const ACCOUNT = '(?:account|acct|bank|wallet|number|phone|card)'

/** Rules by the kind of words they find; the first rule that finds a place names it. */
const RULES: Array<[kind: string, sources: string[]]> = [
  [
    'a payment service',
    [
      String.raw`\bwallet\b|\btap[\s-]to[\s-](?:send|pay)\b`,
      `\\b(?:${split('zelle')}|${split('venmo')}|revolut|bizum|nequi|daviplata|yape|plin|interac|spei|oxxo|western\\s*union|moneygram|remitly|xoom|world\\s*remit|skrill|sinpe)\\b`,
      String.raw`\bchime\s+(?:account|bank|card|app|transfer|tag|\$)|\b(?:via|on|through|by|with|using|por|con)\s+(?:chime|wise)\b|\bwise\s+(?:transfer|account|payment)`,
    ],
  ],
  [
    'crypto',
    [
      String.raw`\b(?:bitcoins?|btc|ethereum|eth|usdt|usdc|crypto\w*|cripto\w*|litecoin|ltc|dogecoin|doge|monero|xmr|solana|coinbase|binance|metamask|blockchain|billetera|wallet\s+address)\b`,
    ],
  ],
  [
    'bank details',
    [
      String.raw`(?<!\b(?:river|creek|sand|snow|grass|west)\s)\bbank(?:ing|er|ers)?\b(?!\s+(?:of\s+(?:windows|glass|lights|the|skylights|cabinets|mirrors|doors)|holidays?|branch|building|lobby|storefront|next\s+door|parking))|\b(?:switched|changed|changing|switching|moved|moving|new|different)\s+banks\b|\bbanc(?:o|os|aria|arias|ario|arios)\b(?!\s+(?:del\s+jardin|de\s+(?:madera|trabajo)))`,
      String.raw`\b(?:(?:our|my|the|this|his|her|their|a)\s+(?:new|old|previous|former|prior|usual|different|alternate|other)\s+(?:(?:business|company|personal|bank|checking|savings)\s+)?(?:account|acct|bank)s?\s+(?:details|number|info\w*|below|above|at|with|is|was|has)\b|(?:use|to|into|pay|send|at)\s+(?:the|our|my|this|a)\s+(?:new|other|different|second)\s+(?:bank\s+)?(?:account|acct|bank)\b|\b(?:replacement|alternate|temporary|backup|personal|private)\s+(?:bank\s+)?(?:account|acct)s?\b)|\b(?:account|bank)\b.{0,40}\b(?:hacked|compromised|frozen|suspended|no\s+longer\s+in\s+use|under\s+(?:audit|review))|\b(?:ya\s+no\s+(?:usamos|utilizamos|tenemos|manejamos)|nueva|vieja|anterior|otra|antigua)\s+(?:la\s+|una\s+|nuestra\s+|esa\s+)?cuentas?\b|\bcuentas?\s+(?:nueva|vieja|anterior|antigua|bloqueada|congelada|cerrada)\b`,
      String.raw`\biban\b|\bbic\b|\bswift\s*(?:code|\/|bic|:|#)|\brouting\s*(?:number|no\b|#|code|:|\d)|\baba\s+routing|\baba\b|\bach\b|\bsort\s*code\b|\bbsb\b|\bclabe\b|\bacct\b|\ba\/c\b`,
      String.raw`\baccount\s+(?:number|no\b|#|num|nr|ending|holder|name)|(?<!\b(?:am|are|is|was|were|be|been|still|just|i'm|we're)\s)\b(?:checking|savings)\s+accounts?\b|\bcuentas?\s+(?:bancarias?|de\s+ahorros?|corrientes?|de\s+cheques|numero|no\b|#|\d)|\bnumero\s+de\s+cuenta\b|\b(?:pagos?|cheques?|depositos?|transferencias?|giros?|cuenta)\s+(?:\w+\s+){0,3}?a\s+nombre\s+de\b|\bbeneficiar\w*`,
    ],
  ],
  [
    'cash, checks or cards',
    [
      String.raw`(?<!\b(?:named|called|name\s+is)\s)\bcash\w*\b(?!\s+registers?\b)|\b(?:en|de|solo|solamente|el|su)\s+efectivo\b|\befectivo\s+(?:al|a|para|en\s+mano)\b|\bcheques?\b|\bmoney\s+orders?\b`,
      String.raw`\b(?:by|with|via|por)\s+(?:a\s+)?(?:personal\s+)?checks?\b|\bchecks?\s+(?:(?:made\s+)?(?:out\s+)?(?:payable|to\s+the\s+order)|made\s+out|written\s+(?:out\s+)?to|out\s+to)\b`,
      String.raw`\b(?:a|your|the|personal|cashier'?s|certified|paper)\s+checks?\s+(?:for|of|in\s+the\s+amount)\b|\b(?:mail|send|leave|drop|write|hand|give)\w*\s+(?:(?:us|me|him|her|them|it)\s+)?(?:(?:a|your|the|any|all)\s+)?checks?\b`,
      String.raw`\bgift\s*cards?\b|\btarjetas?\s+de\s+(?:regalo|credito|debito)\b|\b(?:credit|debit|prepaid|bank)\s+cards?\b|\bcard\s+(?:number|numbers|details|info\w*)\b|\bnumero\s+de\s+tarjeta\b`,
      String.raw`\bcards?\s+(?:by|over)\s+(?:the\s+)?phone\b|\b(?:by|over)\s+(?:the\s+)?phone\s+(?:with|using)\s+(?:a\s+|your\s+)?card\b`,
    ],
  ],
  [
    'words about paying',
    [
      String.raw`\b(?:pay(?!(?:ne|ton|tons|son|sen|singer)\b)[a-z]*|[a-z]+pay|(?:un|pre|re|over|under)?paid)\b`,
      String.raw`\bpag(?!in)(?:ar|ue|a|o|ad|and|ab)\w*`,
      String.raw`\b(?:un|pre)?paid\b|\b(?:owe|owes|owed|owing)\b|\bremit\w*|\babon(?:e|en|ar)\b|\bliquid(?:ar|e|en)\b`,
      String.raw`\bsettle[ds]?\s+(?:up\b|(?:the|your|this|that|any|all|my|our|his|her)\s+(?:\w+\s+)?(?:bill|balance|invoice|account|amount|total|tab|debt|payment)|with\s+(?:me|us|him|her|them|the)\b)|\bsettlement\b`,
      String.raw`(?<!\b(?:mineral|water|calcium|lime|limescale|scale|salt|rust|sediment|soap|dirt|pollen|sap|hard|oil|grease|carbon)[\s-])\bdeposit\w*\b(?!\s+(?:the|your|our|all|any|those|these)\s+(?!(?:money|payments?|checks?|cheques?|cash|funds|balance|amount|total|\$|\d))\w)(?!\s+(?:of\s+)?(?:mineral|hard\s+water|calcium|lime|scale|rust|minerales|de\s+(?:cal|sarro|agua|minerales)))`,
      String.raw`\bwire[ds]?\s+(?:bank\s+)?transfers?\b|\b(?:by|via|through|per|using|international|domestic|incoming|por)\s+wire\b|\bwir(?:e|es|ed|ing)\s+(?:(?:us|me|him|her|them|it)\s+)?${MONEY}|\bwir(?:e|ing)\s+(?:it|them|this|that)\s+(?:directly\s+)?(?:to|into|over)\b|\bwir(?:e|ing)\s+(?:instructions|details|info|information)\b|\b(?:proof|confirmation|receipt|screenshot|copy)\s+of\s+(?:the\s+|your\s+)?(?:wire|transfer|deposit|transaction)`,
      String.raw`\be-?transfers?\b|\btransfer(?:s|red|ring)?\s+(?:(?:us|me|it|them|this|that)\s+)?${MONEY}|\btransfer(?:s|red|ring)?\s+(?:\w+\s+){0,3}?(?:to|into)\s+(?:(?:our|my|the|this|his|her|a|an|following|new|business|company|personal)\s+){0,3}${ACCOUNT}\b`,
      String.raw`\btransferencias?\b(?!\s+de\s+(?:su|la|el|sus|las|los)\s+(?:citas?|llamadas?|visitas?|reservas?|servicios?|equipo)\b)|\btransf(?:ie|e)r\w*\s+(?:\w+\s+){0,3}?(?:pago|dinero|monto|importe|saldo|total|anticipo|cuenta|banco|\$|\d)`,
      String.raw`\b(?:remaining|outstanding|unpaid|open|current|full|total|your|account|final|past\s+due)\s+balance\b|\bbalance\s+(?:due|owed|owing|remaining|outstanding|left|of\s+\$|is\s+\$|of\s+\d)|\bsaldo\b`,
      String.raw`\brefund\w*|\breembols\w*|\bcharg(?:e|ed|es|ing)\s+(?:(?:to\s+)?(?:your|the|my|a|this|that)\s+)?(?:card|account|\$|\d)|\bcobr(?:ar|o|os|amos|an|ado|ada|aremos|aran)\b`,
      String.raw`\b(?:the|your|this|my|our)\s+bill\b|\bbilling\b|\bfunds\b|\bfondos\b|\bdinero\b|\bdeuda\w*|\badeud\w*`,
      String.raw`\b(?:send|sent|transfer|wire|give|hand|leave|drop|mail)\w*\s+(?:(?:me|us|him|her|them)\s+)?(?:the\s+)?money\b|\bmoney\s+transfers?\b`,
      String.raw`\b(?:amount|balance|payment|total|sum)\s+(?:is\s+|now\s+)?(?:due|owed|owing|outstanding)\b|\bmonto\s+(?:adeudado|pendiente|a\s+pagar)\b`,
      String.raw`\bcollect(?:s|ed|ing|ion)?\b(?=\s*(?:[.!,;]|$)|\s+(?:the\s+)?(?:payment|money|total|amount|balance|rest|remainder|fee|\$|\d|at\s+the\s+door|in\s+person|on\s+site|from))|\b(?:hand|give|bring)\w*\s+(?:\w+\s+){0,2}?(?:the\s+)?(?:total|amount|balance|remainder|money|payment)\s+to\b`,
      String.raw`\bexact\s+(?:change|amount)\b|\b(?:importe|cambio)\s+exacto\b|\bimporte\b|\banticipo\b|\bgiros?\s+(?:postal(?:es)?|bancarios?|telegraficos?)\b|\bcobra\b`,
      String.raw`\b(?:skip|avoid|ignore|bypass|don'?t\s+use|do\s+not\s+use)\s+(?:the\s+|our\s+)?(?:online\s+)?(?:portal|link|invoice\s+page|payment\s+page|website)\b`,
      String.raw`\boutstanding\s*[:=]?\s*\$|\$[\d,.]+\s+outstanding\b|\b(?:account|invoice|balance|bill|payment|factura|cuenta)\s+(?:is\s+|esta\s+)?(?:now\s+)?(?:past\s+due|overdue|vencid[ao])`,
      String.raw`\btip(?:s|ped|ping)?\s+(?:the|your|our)\s+(?:crew|technician|tech|cleaner|team|driver)\b|\btips?\s+(?:go|goes|went)\b|\bpropinas?\b`,
      String.raw`(?:leave|put|drop|hand|tape|slip)\w*\s+(?:the\s+|an\s+|your\s+|a\s+)?envelope|\benvelope\b(?=.{0,40}\b(?:mailbox|pick\s*up|pickup|door|mat|crew|technician)\b)|\bsobre\s+(?:con|en\s+el\s+buzon)`,
      String.raw`\bcard\s+(?:reader|terminal|machine)\b|\bcards?'?s?\b.{0,20}\b(?:last\s+(?:4|four)|digits|cvv|cvc|expir\w*|security\s+code)|\b(?:last\s+(?:4|four)|digits|cvv|cvc|security\s+code)\b.{0,20}\bcards?\b|\btarjeta\b.{0,30}\b(?:digitos|ultimos|codigo|vencimiento)|\b(?:digitos|ultimos|codigo|vencimiento)\b.{0,30}\btarjeta`,
      String.raw`\b(?:photo|picture|pic|foto|scratch\w*)\s+(?:\w+\s+){0,2}?(?:code|codigo|pin|back)\b|\btarjetas?\s+de\s+(?:amazon|google|apple|itunes|steam|walmart|target)|\b(?:google\s+play|itunes|steam|amazon)\s+(?:cards?|gift|codes?)\b`,
      '(?:💵|💴|💶|💷|💰|💸|💳|🏦|🪙|🤑|🧾)',
      String.raw`\bcollections\b|\bcobranza\b|\brecipient\b|\bfinanc\w*|\blate\s+fees?\b|\bdollar[\s-]*sign\b|\bsquare\s+up\b|\bqr\b|\bmoney\w+|\breload\w*|\b(?:walmart|store)\s*(?:2|to)\s*(?:walmart|store)\b`,
      String.raw`\bwire\s+(?:today|now|asap|tomorrow|by|before)\b|\$\s?\d[^.!?\n]{0,40}\b(?:directly|straight\s+to|(?:can|should|will|must)\s+go\s+to)\b|\b(?:el\s+resto|el\s+total|el\s+dinero|el\s+importe)\s+(?:\w+\s+){0,4}?(?:dar|entregar|pagar|dejar)\b`,
      String.raw`\b(?:steam|target|amazon|walmart|apple|google\s+play|itunes|vanilla|sephora|ebay|razer)\s+cards?\b`,
    ],
  ],
]

/**
 * Words that send a customer to another way to reach the business than its own, without naming it: "our new number",
 * "not the one printed on this invoice", "contact Rachel in collections, not Dana", "no use el teléfono de la factura".
 */
const ELSEWHERE: Array<[kind: string, sources: string[]]> = [
  [
    'another way to reach the business',
    [
      String.raw`(?<!\b(?:your|su|tu)\s)\b(?:old|new|other|different|correct|real|right|updated|direct|personal|private|cell)\s+(?:phone\s+|cell\s+|mobile\s+|contact\s+|text\s+)?(?:number|phone|line|email)\b`,
      String.raw`\b(?:not|instead\s+of|rather\s+than)\s+(?:the\s+(?:one|number|phone|email|office|line)|the\s+business|the\s+company)\b|\bnot\s+the\s+one\s+(?:printed|on|in|listed)\b`,
      String.raw`\b(?:mensaje|message|dm|escriba\w*|write)\b.{0,20}\b(?:facebook|instagram|messenger|whatsapp|telegram)\b|\b(?:new|different|updated|another)\s+(?:bank\s+)?account\s+on\s+file\b`,
      String.raw`\bno\s+(?:use|llame|escriba)\w*\s+(?:al?\s+|el\s+)?(?:telefono|numero|correo)\b|\b(?:telefono|numero|correo)\s+(?:correcto|nuevo|directo|personal|real)\b`,
    ],
  ],
]

const COMPILED = [...RULES, ...ELSEWHERE].flatMap(([kind, sources]) =>
  sources.map((source) => ({ kind, pattern: new RegExp(folded(source), 'g') })),
)

/**
 * Every rule as one alternation, for one pass that says whether any of them finds anything in a text: most texts hold
 * no words about paying, and one pass over them costs a tenth of a pass per rule. Exact: it finds nothing only where no
 * rule does.
 */
const ANY_RULE = new RegExp(COMPILED.map(({ pattern }) => `(?:${pattern.source})`).join('|'))

/** "Pay" in its ordinary senses, read from where the word starts: pay attention, pay a visit, pay a compliment, it pays off. */
const ORDINARY_PAY = new RegExp(
  folded(
    String.raw`^pay(?:s|ing)?\s+(?:(?:close|more|special|extra|careful|particular|no|little|much)\s+)?attention\b|^pay(?:s|ing)?\s+(?:(?:us|you|him|her|them)\s+)?(?:a\s+)?visit\b|^pay(?:s|ing)?\s+(?:a\s+)?compliments?\b|^pay(?:s|ing)?\s+tribute\b|^pays\s+off\b|^pay(?:s|ing)?\s+(?:it\s+)?forward\b|^paid\s+(?:(?:us|you|him|her|them)\s+)?(?:a\s+)?visit\b|^paid\s+(?:(?:close|more|special|extra|careful|particular|no|little)\s+)?attention\b`,
  ),
)

/** Every place in the word view where words about paying stand, in the order of the text. */
export function payingFindings(words: string): PayingFinding[] {
  if (!ANY_RULE.test(words)) return []
  const found: PayingFinding[] = []
  for (const { kind, pattern } of COMPILED) {
    for (const m of words.matchAll(pattern)) {
      if (!m[0] || found.some((f) => m.index < f.end && f.start < m.index + m[0].length)) continue
      const at = m[0].search(/pa(?:y|id)/)
      if (at >= 0 && ORDINARY_PAY.test(words.slice(m.index + at))) continue
      found.push({ start: m.index, end: m.index + m[0].length, kind })
    }
  }
  return found.sort((a, b) => a.start - b.start)
}
