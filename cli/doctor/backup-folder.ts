import { type CheckItem, ok, warn } from './item.js'
import type { DatabaseReading } from './sources.js'

/**
 * backup_folder: the archives in CRM_BACKUP_DIR, noting those this database did not make. Sharing a folder is allowed
 * (retention leaves another's alone), so they are a note, not a warning: nothing but the operator removes them.
 */
export function backupFolderItem(database: DatabaseReading): CheckItem {
  if (!database.ok) return warn('backup_folder', `not checked: ${database.problem}`, database.fix)
  const { dir, archives, foreign, foreign_examples: examples } = database.backupFolder
  if (archives === 0) return ok('backup_folder', `no archives in ${dir} yet`)
  const count = `${archives} archive${archives === 1 ? '' : 's'} in ${dir}`
  if (foreign === 0) return ok('backup_folder', `${count}, all made by this database`)
  return ok(
    'backup_folder',
    `${count}; ${foreign} of them ${foreign === 1 ? 'is' : 'are'} not in this database's backup history (${examples.join(', ')}${
      foreign > examples.length ? ', ...' : ''
    }): another installation's sharing the folder, or made by a database a restore replaced. Retention never deletes them; remove them by hand once no longer needed`,
  )
}
