/** A whole-number setting from the environment, its fallback when unset; anything below `least` stops the start. */
export function countFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, least: number): number {
  const value = env[name]?.trim()
  if (!value) return fallback
  if (!/^\d+$/.test(value) || Number(value) < least || !Number.isSafeInteger(Number(value))) {
    throw new Error(`${name} must be a whole number of at least ${least}, got '${value}'`)
  }
  return Number(value)
}
