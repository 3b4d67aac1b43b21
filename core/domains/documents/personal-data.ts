import type { PersonalTable } from '../../personal-data/declare.js'

/** Files on the customer, their visits, invoices and quotes: they go with every version and, unless another document names them, their bytes. */
export const documentsPersonalData: PersonalTable = {
  table: 'documents',
  place: 250,
  reach: { contact_id: 'contacts', ticket_id: 'tickets', invoice_id: 'invoices', quote_id: 'quotes' },
  rows: 'deleted',
  columns: {
    name: 'personal',
    category: 'not personal',
    tags: 'personal',
    content_type: 'not personal',
    sha256: 'not personal',
    author_type: 'not personal',
  },
  files: 'sha256',
  // The bytes are not in the export: each row names the owner's download link.
  export: { part: 'documents', heading: 'Files', order: 't.created_at, t.id', adds: { download: `'/documents/' || t.id || '/file'` } },
}

/** Every version of those files. */
export const documentVersionsPersonalData: PersonalTable = {
  table: 'document_versions',
  place: 260,
  reach: { document_id: 'documents' },
  rows: 'deleted',
  columns: { content_type: 'not personal', sha256: 'not personal', author_type: 'not personal' },
  files: 'sha256',
  export: {
    part: 'document_versions',
    heading: 'Versions of files',
    order: '(select d.created_at from documents d where d.tenant_id = t.tenant_id and d.id = t.document_id), t.document_id, t.version',
    adds: { download: `'/documents/' || t.document_id || '/file?version=' || t.version` },
  },
}
