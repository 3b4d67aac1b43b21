/**
 * The search's keys on every page that carries it: "/" or Ctrl/Cmd-K focuses the search box, the arrow keys move
 * through the results, Enter opens one (a link), Esc clears the box; typing shows results as they come (the same
 * list, from the server).
 */
const d = document
const box = () => (d.getElementById('q') || d.querySelector('form.find input[name=q]')) as HTMLInputElement | null
const links = () => Array.from(d.querySelectorAll<HTMLAnchorElement>('#hits a'))

d.addEventListener('keydown', (e) => {
  const t = e.target as HTMLInputElement
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable
  if ((e.key === 'k' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !typing)) {
    const b = box()
    if (b) {
      e.preventDefault()
      b.focus()
      b.select()
    }
    return
  }
  if (e.key === 'Escape' && t.name === 'q') {
    t.value = ''
    return
  }
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
  const l = links()
  const i = l.indexOf(d.activeElement as HTMLAnchorElement)
  if (!l.length || (i < 0 && t.name !== 'q')) return
  e.preventDefault()
  const n = e.key === 'ArrowDown' ? Math.min(i + 1, l.length - 1) : i - 1
  ;(n < 0 ? box() : l[n])?.focus()
})

const q = d.getElementById('q') as HTMLInputElement | null
let timer = 0
let asked = ''
q?.addEventListener('input', () => {
  clearTimeout(timer)
  timer = window.setTimeout(async () => {
    const v = q.value.trim()
    if (v === asked) return
    asked = v
    const r = await fetch(`/search?partial=1&q=${encodeURIComponent(v)}`)
    const hits = d.getElementById('hits')
    if (r.ok && hits && asked === v) hits.outerHTML = await r.text()
  }, 250)
})
