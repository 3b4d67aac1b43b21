/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

/** The owner's and customers' pages' one stylesheet, inline; the Content-Security-Policy allows it by its hash. */
export const PAGE_STYLE = `body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1d2327;background:#f6f7f7}
main{max-width:34rem;margin:0 auto;padding:1rem}h1{font-size:1.3rem}
input,button{font:inherit;padding:.6rem;border-radius:.4rem;border:1px solid #8c8f94;width:100%;box-sizing:border-box;margin:.3rem 0}
button{background:#1d4ed8;color:#fff;border:0}.note{color:#50575e}.err{color:#b32d2e}.ok{color:#00702a}
nav a{margin-right:1rem}.card{background:#fff;border:1px solid #dcdcde;border-radius:.5rem;padding:.8rem;margin:.8rem 0}
.row{display:flex;gap:.5rem}.row>*{flex:1}button.alt{background:#50575e}button.deny{background:#b32d2e}
pre{white-space:pre-wrap;word-break:break-word;font-size:.85rem;background:#f6f7f7;padding:.5rem}table{width:100%;border-collapse:collapse}
td,th{text-align:left;padding:.3rem;border-bottom:1px solid #dcdcde;font-size:.9rem}select{font:inherit;padding:.3rem}
button.second,a.button.second{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}a.button{display:block;text-align:center;padding:.6rem;border-radius:.4rem;margin:.3rem 0;text-decoration:none}
td.num{text-align:right;white-space:nowrap}.total{font-size:1.1rem}ul.warn{color:#8a4b00;padding-left:1.2rem}label{display:block;margin:.4rem 0}
label select,label textarea,label input{display:block;width:100%;box-sizing:border-box;font:inherit}
h2{font-size:1.05rem;margin:1.2rem 0 .2rem}button.small{width:auto;padding:.4rem .8rem}.row select{min-width:0;flex:1 1 auto}.row>button.small{flex:0 0 auto;margin-left:auto}.perm{padding:.6rem;margin:.5rem 0}.perm p{margin:.2rem 0}ul.rules{padding-left:1.1rem}.perm form{margin:.2rem 0}
textarea{width:100%;box-sizing:border-box;font:inherit}button.inline{width:auto}`

/** A complete, small page: inline CSS, no scripts, no external requests. */
export function page(title: string, body: string, status?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${PAGE_STYLE}</style></head><body><main><h1>${esc(title)}</h1>${status ? `<p class="err">${esc(status)}</p>` : ''}${body}</main></body></html>`
}

/** The sign-in form: an email address in, a link out by email; `next` is the page the link leads back to. */
export function signInForm(next?: string): string {
  return `<form method="post" action="/auth/magic-link">${next ? `<input type="hidden" name="next" value="${esc(next)}">` : ''}<label>Email<input type="email" name="email" required autocomplete="email"></label>
<button>Email me a sign-in link</button></form>`
}

/** A POST form with the session's CSRF token. */
export function form(action: string, csrf: string, inner: string, attrs = ''): string {
  return `<form method="post" action="${esc(action)}"${attrs}><input type="hidden" name="_csrf" value="${esc(csrf)}">${inner}</form>`
}
