// Colombia Bre-B keys as the sandbox reads them: "@" and 1 to 20 letters or
// digits. Depay's table names four types (name: 21 characters, id: 17-18,
// random: 10, open_input: 21); the sandbox accepts any such key up to 21 and
// does not tell the types apart.

const BREB_KEY = /^@[A-Za-z0-9]{1,20}$/;

export function isBrebKey(key: string): boolean {
  return BREB_KEY.test(key);
}
