/**
 * A name's unique part without digits, each digit as a letter (0 as a, 9 as j): a customer name an agent writes with a
 * digit in it waits for the owner, as a name customers read should, so load and fault traffic names its customers so.
 */
export function nameTag(unique: string | number): string {
  // A send's own number ({{n}}) goes into a name as its letters ({{tag}}: bench/load-worker.ts).
  return String(unique)
    .replaceAll('{{n}}', '{{tag}}')
    .replace(/\d/g, (d) => 'abcdefghij'[Number(d)])
}
