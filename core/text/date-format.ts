// Making an Intl formatter costs far more than using one (tens of microseconds against one or two; a customer email
// formats a dozen dates): each locale and set of options is made once and kept. A bad time zone still throws, when the
// formatter is asked for, as `new Intl.DateTimeFormat` did.
const formats = new Map<string, Intl.DateTimeFormat>()

/** The Intl.DateTimeFormat of a locale and options, made on first use and kept. */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    formats.set(key, format)
  }
  return format
}
