import { esc } from '../html.js'

// Phone first: one column, big tap targets, system fonts, nothing fetched beyond the page itself.
/** The technician pages' one stylesheet, inline; the Content-Security-Policy allows it by its hash. */
export const TECH_STYLE = `*{box-sizing:border-box}body{font:17px/1.45 system-ui,sans-serif;margin:0;color:#1d2327;background:#f4f5f6}
main{max-width:34rem;margin:0 auto;padding:.8rem}h1{font-size:1.3rem;margin:.4rem 0}h2{font-size:1.05rem;margin:1rem 0 .3rem}
a{color:#1d4ed8}nav{display:flex;gap:1rem;font-size:.95rem}
input,select,textarea,button,.btn{font:inherit;padding:.6rem;border-radius:.45rem;border:1px solid #8c8f94;width:100%;margin:.25rem 0;background:#fff}
textarea{min-height:7rem}button,.btn{background:#1d4ed8;color:#fff;border:0;display:block;text-align:center;text-decoration:none;cursor:pointer}
button.alt,.btn.alt{background:#50575e}button.link{background:none;color:#1d4ed8;padding:.3rem;width:auto;text-decoration:underline}
input[type=checkbox],input[type=radio]{width:auto;margin:0 .4rem 0 0;transform:scale(1.3)}label.c{display:flex;align-items:center;padding:.45rem 0}
.card{background:#fff;border:1px solid #dcdcde;border-radius:.55rem;padding:.75rem;margin:.7rem 0}.now{border:2px solid #1d4ed8}
.muted{color:#50575e;font-size:.92rem}.err{color:#b32d2e;font-weight:600}.ok{color:#00702a;font-weight:600}.warn{background:#fff4d6;padding:.5rem;border-radius:.4rem}
.row{display:flex;gap:.5rem;align-items:center}.row>*{flex:1}.n{max-width:5.5rem}table{width:100%;border-collapse:collapse}
td,th{text-align:left;padding:.35rem .2rem;border-bottom:1px solid #dcdcde;vertical-align:top}.r{text-align:right}
.steps{display:flex;gap:.25rem;font-size:.8rem;margin:.3rem 0}.steps span{flex:1;text-align:center;padding:.2rem;border-radius:.3rem;background:#dcdcde}
.steps .d{background:#b8e6c4}.steps .a{background:#1d4ed8;color:#fff}#offline{display:none}
.pager{justify-content:space-between;margin:.3rem 0}.month th,.month td{text-align:center;padding:.3rem 0;width:14.28%}
.month td a{display:block;font-weight:600}.month small{display:block;font-size:.8rem;color:#50575e}.month .today{outline:2px solid #1d4ed8}`

/** Options of a technician page: extra head-of-body message and an inline script. */
export interface TechPageOptions {
  /** A message shown in green above the content (e.g. after a finished close-out). */
  flash?: string
  /** An error shown in red above the content. */
  error?: string
  /** Inline JavaScript that only enhances the page. */
  script?: string
}

/** A complete technician page: inline CSS, one optional inline script, no external requests. */
export function techPage(title: string, body: string, opts: TechPageOptions = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${TECH_STYLE}</style></head><body><main>${mainContent(title, body, opts)}</main>${opts.script ? `<script>${opts.script}</script>` : ''}</body></html>`
}

/** What goes inside <main>: also what the close-out script swaps in when it switches steps without a reload. */
export function mainContent(title: string, body: string, opts: TechPageOptions = {}): string {
  return `<nav><a href="/today">Today</a><a href="/today?view=week">Week</a><a href="/today?view=month">Month</a><a href="/">Account</a></nav><h1>${esc(title)}</h1>
${opts.flash ? `<p class="ok" role="status">${esc(opts.flash)}</p>` : ''}${opts.error ? `<p class="err" role="alert">${esc(opts.error)}</p>` : ''}${body}`
}
