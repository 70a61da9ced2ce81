/**
 * A non-negative integer received as a JSON number or a string of digits, as a number; anything
 * else (decimals, signs, blanks, unsafe integers) is `undefined`.
 */
export function parseWireInteger(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^[0-9]{1,16}$/.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

/**
 * An identifier received as a non-empty string (or, leniently, an integer), as a string; at
 * most 64 characters and no control characters, since it is stored and searched on.
 */
export function parseWireId(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(text) || text.trim() !== text ? undefined : text;
}

/** Every received field as text, as it was signed: `null` as "", objects as compact JSON. */
export function receivedFieldsAsText(
  fields: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] =
      value === null || value === undefined
        ? ''
        : typeof value === 'string'
          ? value
          : typeof value === 'number' || typeof value === 'boolean'
            ? String(value)
            : JSON.stringify(value);
  }
  return out;
}

/** Whether a value is a plain JSON object (not an array or null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
