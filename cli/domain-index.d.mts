/** The index's file name, beside the domain folders. */
export declare const INDEX_FILE: string
/** The text of the index for the domain folders under `folder`; refuses a folder without its front file. */
export declare function domainIndexText(folder: string): string
/** Writes the index under `folder` when its text changed; returns whether it did. */
export declare function writeDomainIndex(folder: string): boolean
