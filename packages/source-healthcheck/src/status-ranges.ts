/** An inclusive range of HTTP status codes. */
export type StatusRange = readonly [min: number, max: number];

const isStatus = (code: number) => Number.isInteger(code) && code >= 100 && code <= 599;

/**
 * Reads expected statuses: numbers (`200`), ranges (`"200-299"`) and classes (`"2xx"`).
 * Throws an `Error` naming the bad entry.
 */
export function parseStatusRanges(entries: readonly (number | string)[]): StatusRange[] {
  return entries.map((entry, index) => {
    const text = String(entry).trim();
    let range: StatusRange | undefined;
    const single = /^\d{3}$/.exec(text);
    const span = /^(\d{3})\s*-\s*(\d{3})$/.exec(text);
    const family = /^([1-5])xx$/i.exec(text);
    if (single) range = [Number(text), Number(text)];
    else if (span) range = [Number(span[1]), Number(span[2])];
    else if (family) range = [Number(family[1]) * 100, Number(family[1]) * 100 + 99];
    if (!range || !isStatus(range[0]) || !isStatus(range[1]) || range[0] > range[1])
      throw new Error(
        `expected status [${index}] ${JSON.stringify(entry)} is not a status code (100-599), a range such as "200-299" or a class such as "2xx"`,
      );
    return range;
  });
}

export function statusMatches(ranges: readonly StatusRange[], status: number): boolean {
  return ranges.some(([min, max]) => status >= min && status <= max);
}

/** Formats ranges back for messages: `200-299, 404`. */
export function formatStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges.map(([min, max]) => (min === max ? `${min}` : `${min}-${max}`)).join(', ');
}
