// Prefixed, time-sortable ids (`vm_…`, `ses_…`, `ten_…`): 10 Crockford base32 characters of
// millisecond time then 16 random ones (ULID layout), so ordering by id is creation order.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix = "ten" | "key" | "vm" | "ses" | "bud" | "evt" | "req" | "whk" | "dlv";

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${randomChars(16)}`;
}

export function randomChars(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

/** Matches ids made by newId for `prefix`. */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`);
}
