import { calendarInStep } from '../calendar-in/step.js'
import { calendarOutStep } from './calendar-out.js'
import { contactsStep } from './contacts-step.js'
import { gmailStep } from './gmail.js'
import type { GoogleStep } from './steps.js'

/** Every feature's steps, in the order an account's sync runs them. */
export const GOOGLE_STEPS: GoogleStep[] = [calendarOutStep, calendarInStep, contactsStep, gmailStep]
