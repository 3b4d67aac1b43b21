/** The name an email greets a customer by ({{customer_first_name}}): their first name, else the first word of their name. */
export function firstNameOf(firstName: string | null | undefined, name: string): string {
  return firstName?.trim() || name.trim().split(/\s+/)[0]
}
