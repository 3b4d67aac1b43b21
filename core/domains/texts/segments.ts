/** The GSM 7-bit alphabet's basic characters: a text of only these (and the extension's) goes 160 to a segment. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
/** The extension table's characters: each takes two of a segment's places. */
const GSM_EXTENDED = '^{}\\[~]|€\f'

const BASIC = new Set(GSM_BASIC)
const EXTENDED = new Set(GSM_EXTENDED)

/** How a text is encoded, its length in the encoding's units, and how many segments (billed messages) it takes. */
export interface TextSize {
  encoding: 'GSM-7' | 'UCS-2'
  units: number
  segments: number
}

/**
 * The segments a text takes, as carriers count them: GSM-7 (160 characters in one, 153 a segment when split, an
 * extension character counting two), or UCS-2 as soon as one character is outside GSM-7 (70 in one, 67 a segment,
 * counted in UTF-16 units, so an emoji counts two).
 */
export function textSize(text: string): TextSize {
  let gsmUnits = 0
  let gsm = true
  for (const ch of text) {
    if (BASIC.has(ch)) gsmUnits += 1
    else if (EXTENDED.has(ch)) gsmUnits += 2
    else {
      gsm = false
      break
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: gsmUnits, segments: segmentsOf(gsmUnits, 160, 153) }
  return { encoding: 'UCS-2', units: text.length, segments: segmentsOf(text.length, 70, 67) }
}

function segmentsOf(units: number, single: number, part: number): number {
  if (units === 0) return 0
  return units <= single ? 1 : Math.ceil(units / part)
}
