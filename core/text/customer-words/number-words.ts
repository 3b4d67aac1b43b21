import { type ReadableText, rewrite } from './text-map.js'

/*
 * Numbers written as words, in English and Spanish, read as the digits a reader dials or types: "two five six, five
 * five five, oh one nine nine" is 2565550199, "two fifty-six" is 256, "treinta y dos" is 32, "double five" is 55. Each
 * number in a run of them is read on its own and the runs' digits are joined, since a phone or an account number is
 * said in pieces. A word alone ("one window") stays a word.
 */

const UNITS: Record<string, number> = {
  zero: 0,
  oh: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  cero: 0,
  uno: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
}
const TEENS: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  diez: 10,
  once: 11,
  doce: 12,
  trece: 13,
  catorce: 14,
  quince: 15,
  dieciseis: 16,
  diecisiete: 17,
  dieciocho: 18,
  diecinueve: 19,
  veintiuno: 21,
  veintidos: 22,
  veintitres: 23,
  veinticuatro: 24,
  veinticinco: 25,
  veintiseis: 26,
  veintisiete: 27,
  veintiocho: 28,
  veintinueve: 29,
}
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  veinte: 20,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  sesenta: 60,
  setenta: 70,
  ochenta: 80,
  noventa: 90,
}
const HUNDREDS: Record<string, number> = {
  hundred: 100,
  cien: 100,
  ciento: 100,
  doscientos: 200,
  trescientos: 300,
  cuatrocientos: 400,
  quinientos: 500,
  seiscientos: 600,
  setecientos: 700,
  ochocientos: 800,
  novecientos: 900,
}
const REPEATS: Record<string, number> = { double: 2, triple: 3, doble: 2 }
const JOINERS = new Set(['and', 'y'])

const ALL = [...Object.keys(UNITS), ...Object.keys(TEENS), ...Object.keys(TENS), ...Object.keys(HUNDREDS), ...Object.keys(REPEATS)]
const WORD = `(?:${ALL.sort((a, b) => b.length - a.length).join('|')})`
/** A number word or a group of digits. */
const TOKEN = String.raw`(?:${WORD}|\d+)`
/**
 * A run of number words and digit groups with at least one word and two pieces, separated by spaces, commas, dots or
 * dashes, "and" or "y" between them ("two 5 six, 555").
 */
const RUN = new RegExp(String.raw`\b(?=(?:\d+[\s,.\-]+)*${WORD}\b)${TOKEN}(?:(?:[\s,.\-]+(?:(?:and|y)[\s,]+)?)${TOKEN}){1,40}\b`, 'gi')
/** Runs that are only digits keep their own separators: only a run with words in it becomes digits. */
const HAS_WORD = new RegExp(String.raw`\b${WORD}\b`, 'i')

/** The text with each run of number words as the digits it says. */
export function numbersAsDigits(t: ReadableText): ReadableText {
  return rewrite(t, RUN, (run) => (HAS_WORD.test(run) ? digitsOfRun(run) : run))
}

/** The digits a run of number words says: each number read as large as its words make it, the numbers' digits joined. */
export function digitsOfRun(run: string): string {
  const words = run
    .toLowerCase()
    .split(/[\s,.-]+/)
    .filter(Boolean)
  let out = ''
  let group: number | null = null
  let repeat = 1
  const close = () => {
    if (group !== null) out += String(group)
    group = null
  }
  for (const w of words) {
    if (JOINERS.has(w)) continue
    if (/^\d+$/.test(w)) {
      close()
      out += w
      repeat = 1
      continue
    }
    if (w in REPEATS) {
      close()
      repeat = REPEATS[w]
    } else if (w in UNITS) {
      // A unit ends a group of tens or hundreds that has no units yet ("fifty six"); otherwise it is a digit of its own.
      if (group !== null && group % 10 === 0 && group >= 20 && repeat === 1) group += UNITS[w]
      else {
        close()
        out += String(UNITS[w]).repeat(repeat)
        repeat = 1
      }
    } else if (w in TEENS) {
      if (group !== null && group % 100 === 0 && group >= 100) group += TEENS[w]
      else {
        close()
        group = TEENS[w]
      }
    } else if (w in TENS) {
      if (group !== null && group % 100 === 0 && group >= 100) group += TENS[w]
      else {
        close()
        group = TENS[w]
      }
    } else if (w in HUNDREDS) {
      // "two hundred" multiplies the digit before it; "ciento", "quinientos" stand alone.
      const last = out.at(-1)
      if (w === 'hundred' && group === null && last !== undefined) {
        out = out.slice(0, -1)
        group = Number(last) * 100
      } else {
        close()
        group = HUNDREDS[w]
      }
    }
  }
  close()
  return out
}
