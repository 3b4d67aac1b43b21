import type { Config } from '../../core/kernel/config.js'

/**
 * How to start a server that does not answer: the systemd units of docs/deploy.md on a deployed machine, npm start
 * elsewhere. A proxy, a certificate or another PUBLIC_BASE_URL cannot help while nothing listens behind them.
 */
export function startAdvice(config: Pick<Config, 'databaseUrl' | 'workerInServer'>): string {
  const worker = config.databaseUrl && !config.workerInServer ? ' and sudo systemctl start crm-worker' : ''
  return (
    `Start the server: sudo systemctl start crm${worker} on a server set up by docs/deploy.md (sudo journalctl -u crm -e says why it stopped), ` +
    'or npm start in its folder without a service; if it runs elsewhere, tell the doctor where it listens: --url or CRM_SERVER_URL.'
  )
}
