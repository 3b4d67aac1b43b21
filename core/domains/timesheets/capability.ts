import type { Capability } from '../../kernel/plug-in.js'

/** What timesheets plug in: their page as the owner's search finds it; the page itself is in console/owner/timesheets/. */
export const timesheetsCapability: Capability = {
  name: 'timesheets',
  places: [
    {
      title: 'Timesheets',
      path: '/timesheets',
      about: "The technicians' clocked hours by day and week, for payroll, with a CSV",
      words: ['timesheets', 'hours', 'payroll', 'clock in', 'time cards', 'hours worked'],
      roles: ['owner'],
    },
  ],
}
