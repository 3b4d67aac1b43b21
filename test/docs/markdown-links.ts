import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** A link written in a Markdown file: where it sits and what it points at. */
export interface MarkdownLink {
  line: number
  target: string
}

/** The text of a Markdown file with fenced code blocks and inline code blanked, so examples in code are not read as links. */
function withoutCode(text: string): string {
  // Blank, not remove, so line numbers stay true.
  const unfenced = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '))
  return unfenced.replace(/(`+)[^`\n]*?\1/g, (code) => ' '.repeat(code.length))
}

/** Every inline link and image of a Markdown text (`[text](target)`), with its line number. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = []
  withoutCode(text)
    .split('\n')
    .forEach((line, i) => {
      for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: i + 1, target: m[1] })
    })
  return links
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The anchors of a Markdown text's headings, numbered as GitHub numbers repeated ones. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of withoutCode(text).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const base = headingAnchor(heading[1])
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n ? `${base}-${n}` : base)
  }
  return anchors
}

/**
 * The relative links of a Markdown file that lead nowhere: to a file that does not exist, or to a heading a
 * Markdown file does not have. Links with a scheme (https:, mailto:) are left to their sites.
 */
export function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const broken: string[] = []
  for (const { line, target } of markdownLinks(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
    const [path, anchor] = target.split('#', 2)
    const linked = path ? resolve(dirname(file), decodeURIComponent(path)) : file
    const where = `${file}:${line} links to ${target}`
    if (!existsSync(linked)) {
      broken.push(`${where}: no file ${linked}`)
      continue
    }
    if (anchor !== undefined && linked.endsWith('.md') && !headingAnchors(readFileSync(linked, 'utf8')).has(anchor)) {
      broken.push(`${where}: no heading with the anchor #${anchor}`)
    }
  }
  return broken
}
