/** The QuickBooks Online API minor version every accounting request names; pinned here and nowhere else. */
export const QUICKBOOKS_MINOR_VERSION = 75
