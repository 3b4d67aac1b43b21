/*
 * The words that give payment directions, in English and Spanish, as rules over the readable text
 * (core/payment-directions-text.ts: accents, look-alikes and spelled-out letters already folded away).
 *
 * Ordinary words that also name money things (wire, transfer, deposit, bank, account, check, cuenta, depósito) count
 * only in the company that makes them payment words: "wire the balance", not "a wire brush"; "transfer the money",
 * not "transfer your appointment"; "deposit it into our account", not "a $50 deposit"; "account number", not "the
 * account of what happened"; "make checks payable to", not "we'll check the gutters"; "cuenta 0123456789", not "cuenta
 * con nosotros". Names of payment services (Zelle, Venmo, Bizum...) and crypto count wherever they appear: a service
 * business's emails have no other reason to name them. A web address counts when the same sentence asks to pay.
 */

/** A place in the readable text where a rule found payment directions; of two that overlap, the lower rank stays. */
export interface Found {
  start: number
  end: number
  kind: string
  rank: number
}

/** Ranks of word rules come after those of account numbers and addresses (core/payment-directions-codes.ts). */
const FIRST_WORD_RANK = 10

/** A rule: its pattern (global), what it finds, and a check a match must pass when the pattern alone cannot say. */
interface WordRule {
  kind: string
  pattern: RegExp
  /** The kind when the match names where to send the money (the pattern's group "target"). */
  targetKind?: string
  accept?: (match: RegExpExecArray) => boolean
}

const rule = (kind: string, source: string, more: Partial<WordRule> = {}): WordRule => ({
  kind,
  pattern: new RegExp(source, 'gi'),
  ...more,
})

/** A character of the same sentence: a stop followed by a space or a line break ends one, a decimal point does not. */
const SAME = String.raw`(?:[^.!?\n]|[.!?](?=\S))`
const within = (n: number) => `${SAME}{0,${n}}?`

/** A word as written with stray punctuation inside it or a digit for a letter ("Ven-mo", "Z3lle", "P@yPal"). */
function loose(word: string): string {
  const letters = [...word].map((c) => ({ a: '[a@4]', e: '[e3]', i: '[i1!]', o: '[o0]', ' ': String.raw`[\s.\-_*]?` })[c] ?? c)
  return letters.join(String.raw`[.\-_*'·]?`)
}

const EMAIL = String.raw`[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+`
const PHONE = String.raw`\+?\(?\d[\d\s().\-]{6,}\d`
const HANDLE = String.raw`@[\w\-]{2,30}`
const CASHTAG = String.raw`\$[a-z][\w\-]{1,20}`
const TARGET = `(?<target>${EMAIL}|${PHONE}|${HANDLE}|${CASHTAG})`
/** An optional destination a little further on in the same sentence: "Zelle to 256-555-0199". */
const THEN_TARGET = `(?:${within(30)}${TARGET})?`

const URL = String.raw`(?:https?:\/\/[^\s<>"')\]]+|www\.[^\s<>"')\]]+|(?<![@\w.\-])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:com|net|org|io|co|me|app|link|xyz|info|biz|us|uk|ca|es|mx|pay|shop|store|site|online|top|example|ly|page|cc|to|money|cash|finance|bank|gg|ai|dev|click|vip|live|club|pro|eu|de|fr|ru|cn|tk|ml)\b(?:\/[^\s<>"')\]]*)?)`
/** Words asking to pay; thanks for a payment and a payment received are not asking. */
const PAY_WORD = String.raw`\b(?:pay|pays|paying|(?<!\b(?:for|received)\s(?:your\s|the\s|this\s)?)payments?(?!\s+(?:was\s+|has\s+been\s+|is\s+)?received)|pague|paguen|pagar|paga|(?<!\b(?:por|recibimos)\s(?:su\s|el\s)?)pagos?(?!\s+recibido)|abone|abonar|remit|settle|checkout)\b`
/** A web address whose name or path is about paying. */
const PAYING_ADDRESS =
  /(?:^|[/.\-_=?&])(?:pay|pago|paga|checkout|billing|remit|wallet)|buy\.stripe|checkout\.stripe|invoice\.stripe|cash\.app|venmo\.com|square\.link|revolut\.me|ko-fi|buymeacoffee|gofund/i

const GIFT_CARD = String.raw`\b(?:gift\s*cards?|tarjetas?\s+de\s+regalo)\b`
const GIFT_CARD_PAYING = String.raw`\b(?:pay\w*|settle|cover|pague\w*|pagar|pagos?|paga|codes?|codigos?|pins?|scratch\w*|backs?\s+of)\b`
const GIFT_CARD_BRAND = String.raw`(?:google\s*play|itunes|apple|steam|amazon|ebay|vanilla|visa|razer(?:\s+gold)?|target|walmart|sephora|best\s*buy|xbox|playstation|nordstrom|netflix)`

const AMOUNT = String.raw`\$\s?\d[\d,]*(?:\.\d\d)?`
/** Money as the object of a verb: "the remaining balance", "$480", "the funds". */
const MONEY_OBJECT = String.raw`(?:(?:the|your|a|an|all|any|our|this|that|full|remaining|outstanding)\s+)*(?:money|payments?|funds|balance|amount|total|sum|${AMOUNT})`
/** What is wired: money, and also a deposit, a fee or an invoice ("wire the deposit", "wire $432"). */
const WIRED_OBJECT = String.raw`(?:(?:the|your|a|an|all|any|our|this|that|full|remaining|outstanding)\s+)*(?:money|payments?|funds|balance|amount|total|sum|deposit|fee|invoice|${AMOUNT}|\d[\d,.]*)`
const ACCOUNT_WORD = '(?:account|acct|bank|iban|cuenta)'
const SPANISH_MONEY = String.raw`(?:(?:el|la|los|las|su|un|una|todo|ese|este)\s+){0,2}(?:pago|dinero|monto|importe|saldo|total|anticipo|${AMOUNT})`
const CHANGED = '(?:changed|updated|moved|switched|modified|revised|replaced)'
const NOT_YOUR_ACCOUNT = String.raw`(?!your\b|su\b)`

/** Payment services named anywhere, with the kind an owner reads, and the kind when a destination follows. */
const SERVICES: Array<[name: string, kind: string, targetKind?: string]> = [
  [loose('zelle'), 'a Zelle payment', 'a Zelle handle'],
  [loose('venmo'), 'a Venmo payment', 'a Venmo handle'],
  [`${loose('cash app')}|square\\s+cash`, 'a Cash App payment', 'a Cash App $cashtag'],
  [`${loose('paypal')}(?:\\.me\\/[\\w\\-/]+)?`, 'a PayPal payment', 'a PayPal address'],
  ['apple\\s+cash', 'an Apple Cash payment', 'an Apple Cash number'],
  [loose('western union'), 'a Western Union transfer'],
  [loose('moneygram'), 'a MoneyGram transfer'],
  [loose('bizum'), 'a Bizum payment'],
  ['remitly', 'a Remitly transfer'],
  ['xoom', 'a Xoom transfer'],
  ['world\\s?remit', 'a WorldRemit transfer'],
  ['revolut', 'a Revolut payment'],
  ['transferwise|(?:via|use|using|with|through|on|by|por|con)\\s+wise|wise\\s+(?:account|transfer|payment)', 'a Wise transfer'],
  ['payoneer|skrill|neteller', 'an online wallet payment'],
  ['alipay|wechat\\s+pay', 'a mobile wallet payment'],
  ['mercado\\s?pago', 'a Mercado Pago payment'],
  ['nequi|daviplata', 'a Nequi or Daviplata payment'],
  ['yape|plin', 'a Yape or Plin payment'],
  ['sinpe|pago\\s+movil', 'a mobile bank payment'],
  ['oxxo', 'a cash payment at a store'],
  ['interac|e-?transfer|spei', 'a bank transfer'],
]

const RULES: WordRule[] = [
  ...SERVICES.map(([name, kind, targetKind]) => rule(kind, `\\b(?:${name})\\b${THEN_TARGET}`, { targetKind })),
  rule('a Cash App $cashtag', String.raw`(?<![\w$])\$(?!(?:usd|cad|aud|mxn|eur|gbp|tbd|tba|na|xx+)\b)[a-z][\w\-]{1,20}\b`),
  // Money sent to an email address or a phone number.
  rule(
    'where to send payment',
    `\\b(?:pay|paid|paying|transfer\\w*|wire|pague\\w*|transfiera\\w*|deposit\\w*)\\b(?:\\s+[^\\s.!?]+){0,4}?\\s+(?:to|a|al)\\s+(?:${EMAIL}|${PHONE})`,
  ),
  // Bank codes and account numbers, named.
  rule('an IBAN', `\\b${loose('iban')}\\b`),
  rule(
    'a bank account number',
    String.raw`\b(?:bank\s+)?(?:account|acct|acc|a\/c)\.?\s*(?:number|num|nr|#|no(?=\s*[.:#]|\s*\d))\.?(?:\s*(?:is|:|-)?\s*[\dx*#][\dx* \-]{3,30}[\dx])?`,
  ),
  rule('a bank account number', String.raw`\b(?:account|acct)\s*(?:is\s*|:\s*|#\s*)?\d[\d \-]{4,28}\d`),
  rule('a bank account number', String.raw`\b(?:numero|num|nro|n[o°])\.?\s*de\s*cuenta\b(?:\s*(?:es\s*)?[:#]?\s*\d[\d \-]{4,28}\d)?`),
  rule('a bank account number', String.raw`\bcuenta\s*(?:n[o°]\.?|num\.?|numero|nro\.?|#)?\s*(?:es\s+)?[:#]?\s*\d[\d \-]{4,28}\d`),
  rule('a CLABE account number', String.raw`\bclabe(?:\s+interbancaria)?\b`),
  rule(
    'a routing number',
    String.raw`\b(?:(?:routing|aba|transit)\s*(?:number|num|no|nr|#|code)\b\.?|aba\s+routing|(?:routing|aba)\s*[:#]?\s*(?=\d{9}\b)|numero\s+de\s+ruta)(?:\s*(?:is|:|-)?\s*#?\d{5,9}\b)?`,
  ),
  rule(
    'a SWIFT/BIC code',
    String.raw`\b(?:codigo\s+)?(?:swift|bic)(?:\s*\/\s*(?:swift|bic))?(?:\s+(?:code|codigo))?(?:\s*(?:is|es)\b)?(?:\s*[:#\-]?\s*(?<code>[a-z]{6}[a-z0-9]{2}(?:[a-z0-9]{3})?)\b)?`,
    {
      accept: (m) =>
        (m.groups?.code && m.groups.code === m.groups.code.toUpperCase()) || /codigo|code|\//i.test(m[0].replace(m.groups?.code ?? '', '')),
    },
  ),
  rule('a sort code', String.raw`\bsort\s*code\b(?:\s*[:#]?\s*\d{2}[\- ]?\d{2}[\- ]?\d{2})?`),
  rule('a BSB number', String.raw`\bbsb\b(?:\s*(?:number|no|#)?\s*(?:is\s*)?[:#]?\s*\d{3}[\- ]?\d{3})?`),
  // Crypto.
  rule(
    'a crypto payment',
    `\\b(?:${loose('bitcoin')}s?|ethereum|usdt|usdc|litecoin|dogecoin|monero|stablecoins?|cryptocurrenc(?:y|ies)|crypto|criptomonedas?|cripto|coinbase|binance|metamask|wallet\\s+address|direccion\\s+de\\s+(?:la\\s+)?(?:billetera|cartera|wallet))\\b`,
  ),
  rule(
    'a crypto payment',
    String.raw`\b\d[\d.,]*\s*(?:btc|eth|xrp|ltc)\b|\b(?:btc|eth|xrp|ltc)\b\s*(?:address|wallet|only|:)|\b(?:pay|send|transfer|deposit|pague|envie)\w*\s+(?:\w+\s+){0,3}?(?:in|with|via|by|en|con)\s+(?:btc|eth|xrp|ltc)\b`,
  ),
  // Changed bank details.
  rule(
    'new bank details',
    String.raw`\b(?:bank(?:ing)?|remittance|wire|wiring|beneficiary)\s+(?:details|information|info|account|accounts|instructions|coordinates)\s+(?:(?:have|has|had)\s+)?(?:(?:been|recently|just|now|also)\s+)*${CHANGED}\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:our|my|company'?s?|business)\s+(?:\w+\s+)?(?:payment|account|remittance)\s+(?:details|information|info|instructions|coordinates)\s+(?:(?:have|has|had)\s+)?(?:(?:been|recently|just|now|also)\s+)*${CHANGED}\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:new|updated|changed|revised|different|alternate|alternative)\s+(?:(?:our|the|my)\s+)?(?:bank(?:ing)?|payment|remittance|wire|wiring|deposit)\s+(?:details|information|info|account|accounts|instructions|coordinates|address)\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:our|my)\s+new\s+(?:bank(?:ing)?\s+)?(?:account|acct|bank|iban)\b(?!\s+(?:manager|rep|representative|executive|portal|login|page|system|software|app|setup|team|dashboard)\b)|\b(?:different|another|new|other)\s+bank\b(?!\s+(?:holiday|of)\b)`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:changed|switched|moved|changing|switching|moving|change|switch)\s+(?:(?:our|my|the|of|business|company)\s+)*(?:banks?|banking|bank\s+accounts?|bank\s+details)\b(?!\s+of\b)|\b(?:we|i)\s+(?:now\s+)?bank\s+with\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:do\s+not|don'?t|dont|no\s+longer|stop|never)\s+(?:\w+\s+){0,2}?(?:pay|send|deposit|transfer|wire|use|make)\w*\s+(?:\w+\s+){0,4}?(?:old|previous|former|usual|prior|last)\s+(?:bank|account|acct|details|information|info|iban|routing)\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:no\s+longer|don'?t|do\s+not)\s+(?:use|have|bank\s+with)\s+(?:(?:the|that|our|this)\s+)?(?:\w+\s+)?(?:account|bank)\b(?!\s+of\b)|\bno\s+longer\s+(?:with|at|using|banking\s+with)\s+(?:\w+\s+){0,2}?(?:bank|credit\s+union)\b|\bya\s+no\s+(?:usamos|utilizamos|tenemos|manejamos)\s+(?:(?:la|el|esa|esta|nuestra|nuestro)\s+)?(?:cuenta|banco)\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:replacement|substitute|backup|temporary)\s+(?:bank\s+)?account\b|\b(?:closed?|closing)\s+(?:our|my|the)\s+(?:\w+\s+)?(?:checking|savings|bank\s+account)\b|\b(?:use|to|into)\s+(?:the|our|this)\s+new\s+(?:bank\s+)?(?:account|acct|bank|details)\b|\b(?:account|bank)\s+(?:was|has\s+been|got)\s+(?:hacked|compromised)\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:old|previous|former|prior|usual)\s+(?:bank\s+)?(?:account|acct|bank)\s+(?:\w+\s+){0,4}?(?:closed|frozen|suspended|inactive|deactivated|blocked|no\s+longer|under\s+(?:audit|review|maintenance)|being\s+audited)\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:our|the)\s+(?:(?:bank|banking|business|company|checking|savings|old|previous|usual)\s+)?account\s+(?:is|was|has\s+been)\s+(?:currently\s+|temporarily\s+)?(?:under\s+(?:audit|review|maintenance|investigation)|frozen|suspended|blocked|closed)\b`,
  ),
  rule(
    'new bank details',
    String.raw`\bcambi(?:amos|aron|o|ado|ar|e|en)\s+(?:(?:de|nuestra|nuestro|la|el)\s+)?(?:banco|cuenta(?:\s+bancaria)?|datos\s+bancarios)\b`,
  ),
  rule(
    'new bank details',
    String.raw`\b(?:nuev[oa]s?|actualizad[oa]s?|distint[oa]s?|diferentes?|otr[oa]s?)\s+(?:datos\s+bancarios|cuentas?\s+bancarias?|datos\s+de\s+pago|informacion\s+bancaria|datos\s+de\s+(?:la\s+)?cuenta|banco)\b|\b(?:cuentas?|banco)\s+(?:nuev[oa]|distint[oa]|diferente|anterior|viej[oa]|antigu[oa]|previ[oa])\b|\b(?:la|nuestra)\s+nueva\s+cuenta\b`,
  ),
  rule(
    'new bank details',
    String.raw`\bnuestr[oa]s?\s+(?:(?:nueva|vieja|antigua|anterior)\s+)?(?:cuenta|banco|datos\s+bancarios)\s+(?:(?:bancaria|anterior|vieja|antigua|ha|han|fue|fueron|se|ya)\s+){0,2}(?:cambi|actualiz|cerr|bloque|congel|suspend)\w*`,
  ),
  // Wires, transfers and deposits.
  rule('a wire transfer', String.raw`\bwire[ds]?\s+(?:bank\s+)?transfers?\b`),
  rule('a wire transfer', String.raw`\b(?:by|via|through|per|using|bank|international|domestic|incoming|por)\s+wire\b`),
  rule('a wire transfer', String.raw`\bwir(?:e|es|ed|ing)\s+(?:(?:us|me|him|her|them)\s+)?${WIRED_OBJECT}`),
  rule('a wire transfer', String.raw`\bwir(?:e|ing)\s+(?:it|them|this|that)\s+(?:directly\s+)?(?:to|into|over)\b`),
  rule('a wire transfer', String.raw`\bwir(?:e|ing)\s+(?:instructions|details|info|information|payments?)\b`),
  rule(
    'a wire transfer',
    String.raw`\b(?:proof|confirmation|receipt|copy|screenshot)\s+of\s+(?:the|your)\s+(?:wire|bank\s+transfer|transfer)\b`,
  ),
  rule('a wire transfer', String.raw`\bgiros?\s+(?:bancarios?|postal(?:es)?|telegraficos?|internacional(?:es)?)\b`),
  rule(
    'a bank transfer',
    String.raw`\bbank\s+transfers?\b|\btransferencias?\b(?!\s+de\s+(?:su|la|el|sus|las|los)\s+(?:citas?|llamadas?|visitas?|reservas?|servicios?|equipo)\b)`,
  ),
  rule('a bank transfer', String.raw`\btransfer(?:s|red|ring)?\s+(?:(?:us|me)\s+)?${MONEY_OBJECT}`),
  rule(
    'a bank transfer',
    String.raw`\btransfer(?:s|red|ring)?\s+(?:(?:it|them|this|that)\s+)?(?:directly\s+)?(?:to|into)\s+(?:(?:our|my|the|this|his|her|a|an|following|new|business|company|personal|bank|checking|savings)\s+){0,3}${ACCOUNT_WORD}\b`,
  ),
  rule(
    'a bank transfer',
    String.raw`\btransf(?:ie|e|i)r\w*\s+(?:${SPANISH_MONEY}|(?:directamente\s+)?(?:a|al|en)\s+(?:(?:la|nuestra|mi|esta|nueva|siguiente)\s+){0,2}(?:cuenta|banco|clabe|nombre))`,
  ),
  rule('an ACH transfer', String.raw`\bach\b`),
  rule('a bank deposit', String.raw`\bpay\w*\s+(?:(?:it|them|the\s+\w+|your\s+\w+)\s+)?(?:directly\s+)?into\b(?!\s+your\b)`),
  rule('a bank deposit', String.raw`\bdirect\s+deposit\b|\bdeposito\s+bancario\b|\bingreso\s+(?:en\s+cuenta|bancario)\b`),
  rule(
    'a bank deposit',
    String.raw`\bdeposit(?:s|ed|ing)?\s+(?:(?:it|them|this|that|the|your|a|an|all|any|full|remaining|payment|money|funds|check|cheque|cash|balance|amount|total|\$?\d[\d,.]*)\s+){0,3}(?:directly\s+)?(?:into\s+${NOT_YOUR_ACCOUNT}|(?:in|to)\s+${NOT_YOUR_ACCOUNT}(?:(?:our|my|the|this|his|her|a|an|new|business|company|personal|following|checking|savings|bank)\s+){0,3}(?:account|acct|bank|iban)\b)`,
  ),
  rule(
    'a bank deposit',
    String.raw`\b(?:deposit|ingres|consign)\w*\s+(?:(?:el|la|los|las|su|un|una|pago|dinero|monto|importe|saldo|total|valor|cheque|efectivo|\$?\d[\d,.]*)\s+){0,3}(?:directamente\s+)?(?:en|a|al)\s+${NOT_YOUR_ACCOUNT}(?:(?:la|nuestra|mi|esta|nueva|siguiente|otra)\s+){0,2}(?:cuenta|banco|nombre|clabe)\b`,
  ),
  // Checks, and where to send the money.
  rule(
    'a payee for checks',
    String.raw`\b(?:make|made|making|write|written|writing)\s+(?:(?:all|your|the|a|any|out|future|this)\s+)*(?:checks?|cheques?|payments?)\s+(?:out\s+)?(?:payable\s+)?(?:to|out\s+to)\b`,
  ),
  rule('a payee for checks', String.raw`\bpay(?:able)?\s+to\s+the\s+order\s+of\b|\bpayable\s+to\b|\bpagaderos?\s+a\b|\bpayees?\b`),
  rule('a payee for checks', String.raw`\bcheques?\s+(?:\w+\s+){0,3}?a\s+(?:nombre|la\s+orden)\s+de\b`),
  rule('a payee', String.raw`\b(?:pagos?|depositos?|transferencias?)\s+(?:\w+\s+){0,3}?a\s+nombre\s+de\b`),
  rule(
    'where to send payment',
    String.raw`\b(?:mail|mailed|mailing|send|sent|sending|forward|deliver|route|direct)\s+(?:(?:us|me|him|her)\s+)?(?:(?:your|the|a|an|all|any|this|that|future|remaining|full|outstanding)\s+)*(?:checks?|cheques?|payments?|money\s+orders?|money|funds|balance|amount|total|cash|\$\s?\d[\d,.]*)\s+(?:(?:directly|only|now|instead|here|by\s+mail|in\s+the\s+mail)\s+)?to\b`,
  ),
  rule(
    'where to send payment',
    `\\b(?:checks?|cheques?)\\b${within(40)}\\b(?:mail|post|send|drop)\\w*\\s+(?:it|them)\\s+(?:off\\s+)?to\\b`,
  ),
  rule(
    'where to send payment',
    String.raw`\bpayments?\s+(?:(?:should|must|can|may|will|need\s+to|are\s+to)\s+)?(?:now\s+)?(?:be\s+)?(?:sent|mailed|made|directed|addressed|wired|deposited|transferred|remitted|paid|go|goes)\s+(?:(?:directly|only|now)\s+)?(?:to|into)\b`,
  ),
  rule(
    'where to send payment',
    String.raw`\bremit(?:s|ted|ting|tance)?\b(?:\s+(?:(?:the|your|all|full|payment|payments|balance|amount|funds)\s+){0,3}to\b)?`,
  ),
  rule(
    'where to send payment',
    String.raw`\b(?:envie|envien|enviar|envia|mande|manden|mandar|manda|mandenos|enviennos|haga|hagan|realice)\w*\s+(?:(?:el|su|sus|los|un|una)\s+)?(?:pago|pagos|cheque|cheques|dinero|importe|monto|giro)\s+(?:(?:\w+)\s+){0,2}?(?:a|al)\s+(?!(?:traves|tiempo|partir|recibir|momento|final|mas\s+tardar|la\s+brevedad)\b)`,
  ),
  rule(
    'paying someone directly',
    String.raw`\bpay\w*\s+(?:me|us|him|her|them|(?:the|our|your)\s+(?:\w+\s+)?(?:technician|tech|crew|worker|cleaner|driver|owner|manager|leader|foreman|team))\s+(?:\w+\s+){0,2}?directly\b|\bpay\w*\s+(?:\w+\s+){0,3}?directly\s+to\b`,
  ),
  rule(
    'paying someone directly',
    String.raw`\bpay(?:ing)?\s+(?:(?:the|your|any|all|full|remaining|outstanding|rest\s+of\s+the)\s+)*(?:balance|invoice|amount|total|bill|rest|remainder)\s+(?:directly\s+)?to\s+(?:me|my|us|our|him|her|his|the|a|an|mr|mrs|ms)\b`,
  ),
  rule('paying someone directly', String.raw`\bpag(?:ue|uen|ar|a)\w*\s+(?:\w+\s+){0,2}?directamente\s+(?:a|al)\b`),
  rule(
    'paying someone directly',
    `${PAY_WORD}${within(60)}\\b(?:not|instead\\s+of|rather\\s+than|no)\\s+(?:to\\s+|a\\s+|de\\s+)?(?:the|our|la|nuestra)\\s+(?:office|company|business|oficina|empresa|compania)\\b`,
  ),
  rule(
    'a request not to pay through the invoice',
    String.raw`\b(?:do\s+not|don'?t|dont|avoid|ignore)\s+(?:pay|use)\w*\s+(?:(?:through|via|using|on|with|the|our|your|that|this|online|invoice|payment|pay|stripe|card)\s+){0,4}(?:link|portal|invoice\s+page|website|button)\b`,
  ),
  rule(
    'a request not to pay through the invoice',
    String.raw`\bno\s+(?:use|utilice|pague|haga\s+clic)\w*\s+(?:(?:el|la|en|por|con|de|del|pago|factura)\s+){0,4}?(?:enlace|link|portal|pagina|boton)\b`,
  ),
  // Gift cards.
  rule('gift cards as payment', `${GIFT_CARD_PAYING}${within(50)}${GIFT_CARD}|${GIFT_CARD}${within(50)}${GIFT_CARD_PAYING}`),
  rule(
    'gift cards as payment',
    `\\b(?:buy|purchase|pick\\s+up|compre|compren|comprar)\\b${within(30)}\\b${GIFT_CARD_BRAND}\\s+${GIFT_CARD}`,
  ),
  // Bank details named, the least specific: a finding above that overlaps one of these says more.
  rule(
    'bank details',
    String.raw`\b(?:bank(?:ing)?\s+(?:account|acct|details?|info(?:rmation)?|coordinates)s?|(?<!\b(?:am|are|is|was|were|be|been|still|just|i'm|we're)\s)checking\s+account|savings\s+account|account\s+holder|beneficiary(?:'s)?\s+(?:name|account|bank)|routing\s+details)\b`,
  ),
  rule(
    'bank details',
    String.raw`\b(?:datos\s+bancarios|datos\s+de\s+(?:la\s+)?cuenta|informacion\s+bancaria|coordenadas\s+bancarias|cuentas?\s+(?:bancarias?|corrientes?|de\s+ahorros?|de\s+cheques)|titular\s+de\s+la\s+cuenta)\b`,
  ),
  // Links to pay somewhere else than the product's own payment link (a template variable, blanked before reading).
  // "Pay here:" may end its line, the address on the next.
  rule('a link to pay elsewhere', `${PAY_WORD}${within(60)}${URL}|${PAY_WORD}${within(40)}:\\s*${URL}|${URL}${within(40)}${PAY_WORD}`),
  rule('a link to pay elsewhere', URL, { accept: (m) => PAYING_ADDRESS.test(m[0]) }),
]

/** Every place in the readable text where a word rule finds payment directions. */
export function wordFindings(text: string): Found[] {
  const found: Found[] = []
  RULES.forEach((r, i) => {
    for (const m of text.matchAll(r.pattern)) {
      if (!m[0] || (r.accept && !r.accept(m))) continue
      const kind = r.targetKind && m.groups?.target ? r.targetKind : r.kind
      found.push({ start: m.index, end: m.index + m[0].length, kind, rank: FIRST_WORD_RANK + i })
    }
  })
  return found
}
