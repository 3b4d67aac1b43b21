import express, { type NextFunction, type Request, type Response } from 'express'
import type { Config } from '../../core/kernel/config.js'
import { IMPORT_FILE_MAX_CHARS } from '../../core/domains/imports/model.js'

/** Room around a file's base64 in its call: the other fields and the JSON-RPC envelope. */
const CALL_OVERHEAD_BYTES = 64 * 1024

/** The largest body that can carry the largest document as base64, or the largest import file (each character escaped at worst). */
export function fileBodyLimitBytes(config: Config): number {
  return Math.max(
    config.bodyLimitBytes,
    Math.ceil(config.documents.maxBytes / 3) * 4 + CALL_OVERHEAD_BYTES,
    IMPORT_FILE_MAX_CHARS * 2 + CALL_OVERHEAD_BYTES,
  )
}

/**
 * Parses JSON on the routes that run actions with room for a file: a document's base64 (document actions) or a CSV to
 * import (import actions, up to 5 MB), through the API or an MCP crm_action call; any other call over the usual body
 * limit is refused exactly as the usual parser refuses it.
 */
export function fileBodies(config: Config) {
  const parse = express.json({
    limit: fileBodyLimitBytes(config),
    verify: (req, _res, buf) => {
      ;(req as Request & { rawLength?: number }).rawLength = buf.length
    },
  })
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (err?: unknown) => {
      if (err) return next(err)
      const length = (req as Request & { rawLength?: number }).rawLength ?? 0
      if (length > config.bodyLimitBytes && !carriesFile(req.body)) {
        return next(
          Object.assign(new Error('request entity too large'), { type: 'entity.too.large', limit: config.bodyLimitBytes, status: 413 }),
        )
      }
      next()
    })
  }
}

/** The domains whose actions carry a file. */
const FILE_DOMAINS: readonly unknown[] = ['document', 'import']

/** A call of a document or import action: {domain: "document"} itself, or as the arguments of an MCP tool call. */
function carriesFile(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false
  const b = body as { domain?: unknown; params?: { arguments?: { domain?: unknown } } }
  return FILE_DOMAINS.includes(b.domain) || FILE_DOMAINS.includes(b.params?.arguments?.domain)
}
