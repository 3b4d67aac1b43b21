/** The owner's review pages, linked at the top of each. */
export const REVIEW_NAV = '<nav><a href="/review">Waiting</a><a href="/review/history">Decided</a><a href="/review/permissions">Permissions</a><a href="/review/connections">Connected apps</a></nav>'
