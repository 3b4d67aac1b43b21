/** Why an archive cannot be opened: every reason names what to do. */
export class ArchiveError extends Error {
  constructor(
    readonly reason: 'not_an_archive' | 'wrong_key' | 'damaged' | 'truncated',
    message: string,
  ) {
    super(message)
    this.name = 'ArchiveError'
  }
}
