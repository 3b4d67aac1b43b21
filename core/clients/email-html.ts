/** A web address in plain text; trailing punctuation that ends a sentence is not part of it. */
const URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g

/** Escapes text for HTML element content and attribute values. */
function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

/** One line of plain text as HTML: escaped, with each web address made a link. */
function lineHtml(line: string): string {
  let out = ''
  let last = 0
  for (const m of line.matchAll(URL_PATTERN)) {
    const at = m.index ?? 0
    out += `${esc(line.slice(last, at))}<a href="${esc(m[0])}" style="color:#1d4ed8;word-break:break-all">${esc(m[0])}</a>`
    last = at + m[0].length
  }
  return out + esc(line.slice(last))
}

/**
 * The HTML part of an email around its rendered plain-text body: every character escaped, blank lines making
 * paragraphs, web addresses made links, the business's name at the top; inline CSS only, no images or scripts,
 * so it reads the same in every mail program.
 */
export function emailHtml(text: string, businessName: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map(lineHtml).join('<br>'))
    .map((p) => `<p style="margin:0 0 16px 0">${p}</p>`)
    .join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(businessName)}</title></head>
<body style="margin:0;padding:0;background:#f6f7f7">
<div style="max-width:560px;margin:0 auto;padding:24px 16px;font:16px/1.5 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d2327">
<div style="font-weight:600;font-size:18px;margin:0 0 16px 0">${esc(businessName)}</div>
<div style="background:#ffffff;border:1px solid #dcdcde;border-radius:8px;padding:20px">
${paragraphs}
</div>
</div>
</body></html>`
}
