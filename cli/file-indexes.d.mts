/** One index of files found by convention. */
export interface FileIndex {
  index: string
  name: string
  what: string
  match(parts: string[]): boolean
  order: 'folders' | 'path'
  everyFolderHas?: string
}
/** Every index, where it is written and which files it holds. */
export declare const FILE_INDEXES: readonly FileIndex[]
/** The text of one index, read from the folders under `root`. */
export declare function indexText(root: string, spec: FileIndex): string
/** Writes every index under `root` whose text changed; returns the ones it wrote. */
export declare function writeFileIndexes(root: string): string[]
