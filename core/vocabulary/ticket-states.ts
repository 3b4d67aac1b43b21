/* The states a visit (a ticket) goes through, shared by every reader of tickets: the words the database stores. */

/** The statuses of a ticket. */
export const TICKET_STATUSES = ['scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show'] as const

/** Statuses of a ticket that still holds its technicians' time. */
export const ACTIVE_STATUSES = ['scheduled', 'confirmed', 'in_progress'] as const

/** Where the customer's answer to an appointment stands. */
export const CONFIRMATION_STATUSES = ['pending', 'accepted', 'declined', 'change_requested'] as const
