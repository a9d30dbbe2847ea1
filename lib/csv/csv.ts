// CSV for the console's exports (RFC 4180): every cell quoted when it needs to be, and cells a spreadsheet
// would run as a formula (= + - @, and the tab/CR that some spreadsheets strip before them) prefixed with a
// quote so that an email like `=HYPERLINK(...)` stays text (OWASP "CSV injection").

export type CsvValue = string | number | boolean | Date | null | undefined;

/** One column of an export: its header and how a row gives its value. */
export type CsvColumn<T> = { header: string; value: (row: T) => CsvValue };

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: dates as ISO 8601 (UTC), formulas neutralised, quoted when it holds a quote, comma or line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  // Numbers are ours (counts, attempts), never a formula: a negative number keeps its sign.
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  return csvLine(columns.map((c) => c.header));
}

export function csvRows<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  return rows.map((row) => csvLine(columns.map((c) => c.value(row)))).join("");
}

/**
 * A streamed CSV body: the header first, then each batch `pages` yields as it is read, so a 10,000-row
 * export never sits whole in memory and the download starts at once. A failure mid-way aborts the stream
 * (the download fails visibly rather than ending as a silently short file).
 */
export function csvStream<T>(columns: readonly CsvColumn<T>[], pages: AsyncIterable<readonly T[]>): ReadableStream {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        // A byte-order mark so that Excel reads the UTF-8 names (é, ü) right.
        controller.enqueue(encoder.encode(`\uFEFF${csvHeader(columns)}`));
        return;
      }
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(csvRows(columns, next.value)));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
