/** The longest name a team member may have, wherever one is given (first start, crm tenant create, the team page). */
export const PERSON_NAME_MAX = 200

/** A person as the places they sign in from show them: "Dana Reyes <dana@example.com>", or the email alone before they have a name. */
export function nameWithEmail(name: string, email: string): string {
  return name ? `${name} <${email}>` : email
}
