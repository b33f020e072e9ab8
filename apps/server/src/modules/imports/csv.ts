/**
 * A streaming CSV reader (RFC 4180 plus what spreadsheets really write): quoted fields with doubled quotes,
 * delimiters and line breaks inside quotes, CRLF/LF/CR line ends, any of , ; tab | as the delimiter. It holds one
 * record at a time, so a file of any length reads in flat memory. ADR 013.
 */

export const MAX_CELL_CHARS = 32_768;
export const MAX_COLUMNS = 500;

export type CsvRecord = {
  /** The record's number in the file (1 = the header), as a spreadsheet numbers it when no cell spans lines. */
  row: number;
  cells: string[];
  /** A cell cut at MAX_CELL_CHARS: the row is reported, not imported. */
  tooLongColumn?: number;
};

export class FileFormatError extends Error {
  constructor(
    message: string,
    readonly row: number | null = null,
    readonly column: number | null = null,
  ) {
    super(message);
  }
}

const QUOTE = 34; // "

/** Incremental parser: feed text chunks, get complete records back; `end()` flushes the last one. */
export function createCsvParser(delimiter: string) {
  const delim = delimiter.charCodeAt(0);
  let cells: string[] = [];
  let cell = '';
  let cellLength = 0;
  let inQuotes = false;
  /** Just read a quote inside a quoted field: either the closing quote or the first of a doubled one. */
  let quotePending = false;
  let fieldStarted = false;
  let afterCr = false;
  let row = 1;
  let recordStartRow = 1;
  let quoteStartRow = 1;
  let tooLongColumn: number | undefined;

  const pushCell = () => {
    cells.push(cell);
    cell = '';
    cellLength = 0;
    fieldStarted = false;
  };
  const append = (s: string) => {
    if (cellLength + s.length > MAX_CELL_CHARS) {
      tooLongColumn ??= cells.length + 1;
      const room = MAX_CELL_CHARS - cellLength;
      if (room > 0) cell += s.slice(0, room);
      cellLength = MAX_CELL_CHARS;
      return;
    }
    cell += s;
    cellLength += s.length;
  };

  function endRecord(out: CsvRecord[]) {
    pushCell();
    if (cells.length > MAX_COLUMNS) throw new FileFormatError(`Row ${recordStartRow} has ${cells.length} values; at most ${MAX_COLUMNS} columns are read`, recordStartRow);
    // A blank line is no record.
    if (!(cells.length === 1 && cells[0] === '')) {
      out.push(tooLongColumn !== undefined ? { row: recordStartRow, cells, tooLongColumn } : { row: recordStartRow, cells });
    }
    cells = [];
    tooLongColumn = undefined;
    recordStartRow = row;
  }

  return {
    push(text: string): CsvRecord[] {
      const out: CsvRecord[] = [];
      let i = 0;
      const n = text.length;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (afterCr) {
          afterCr = false;
          if (c === 10) {
            i++;
            continue;
          }
        }
        if (inQuotes) {
          if (quotePending) {
            quotePending = false;
            if (c === QUOTE) {
              append('"');
              i++;
              continue;
            }
            inQuotes = false;
            // fall through: the character after the closing quote is read as outside quotes
          } else {
            // Copy the run up to the next quote in one go.
            const q = text.indexOf('"', i);
            const end = q === -1 ? n : q;
            if (end > i) {
              const chunk = text.slice(i, end);
              for (let k = 0; k < chunk.length; k++) {
                const ch = chunk.charCodeAt(k);
                if (ch === 10 || (ch === 13 && chunk.charCodeAt(k + 1) !== 10)) row++;
              }
              append(chunk);
            }
            if (q === -1) break;
            quotePending = true;
            i = q + 1;
            continue;
          }
        }
        if (c === delim) {
          pushCell();
          i++;
          continue;
        }
        if (c === 10 || c === 13) {
          row++;
          endRecord(out);
          if (c === 13) afterCr = true;
          i++;
          continue;
        }
        if (c === QUOTE && !fieldStarted && cellLength === 0) {
          inQuotes = true;
          fieldStarted = true;
          quoteStartRow = row;
          i++;
          continue;
        }
        // Unquoted text (a stray quote in the middle of a value is kept as a character, as spreadsheets do).
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === delim || d === 10 || d === 13) break;
          j++;
        }
        append(text.slice(i, j));
        fieldStarted = true;
        i = j;
      }
      return out;
    },
    end(): CsvRecord[] {
      if (inQuotes && !quotePending) {
        throw new FileFormatError(
          `A quoted value opened on row ${quoteStartRow} (column ${cells.length + 1}) is never closed: the file has an unbalanced quote`,
          quoteStartRow,
          cells.length + 1,
        );
      }
      inQuotes = false;
      quotePending = false;
      const out: CsvRecord[] = [];
      if (cells.length || cellLength || fieldStarted) endRecord(out);
      return out;
    },
  };
}

const CANDIDATES = [',', ';', '\t', '|'] as const;

/**
 * The delimiter that splits the first lines of a sample into the same number of columns most often, with the
 * most columns; a comma when nothing splits (a one-column file).
 */
export function detectDelimiter(sample: string): string {
  let best: { delimiter: string; score: number } = { delimiter: ',', score: 0 };
  // The sample may end mid-record: drop the tail after the last line break.
  const cut = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
  const text = cut > 0 ? sample.slice(0, cut) : sample;
  for (const delimiter of CANDIDATES) {
    const parser = createCsvParser(delimiter);
    let records: CsvRecord[];
    try {
      records = [...parser.push(text), ...parser.end()].slice(0, 50);
    } catch {
      continue;
    }
    if (!records.length) continue;
    const widths = records.map((r) => r.cells.length);
    const header = widths[0]!;
    if (header < 2) continue;
    const consistent = widths.filter((w) => w === header).length / widths.length;
    const score = consistent * 100 + Math.min(header, 50);
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

export type Encoding = 'utf-8' | 'utf-16le' | 'windows-1252';

/**
 * Follows the bytes of a file as they arrive and tells its text encoding at the end: UTF-16 by its byte order
 * mark; UTF-8 when every byte sequence is valid UTF-8 (with or without BOM); otherwise Windows-1252, which is
 * what Excel and older systems write as "ANSI"/Latin-1 (every Latin-1 text is also Windows-1252 text).
 * Also refuses binary files: NUL bytes do not occur in text.
 */
export function createEncodingSniffer() {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let first: Buffer | null = null;
  let bytes = 0;
  let nulInStart = false;
  return {
    update(chunk: Buffer) {
      if (!first) first = chunk.subarray(0, 4);
      if (bytes < 65_536 && !first.subarray(0, 2).equals(Buffer.from([0xff, 0xfe]))) {
        if (chunk.subarray(0, 65_536 - bytes).includes(0)) nulInStart = true;
      }
      bytes += chunk.length;
      if (validUtf8) {
        try {
          utf8.decode(chunk, { stream: true });
        } catch {
          validUtf8 = false;
        }
      }
    },
    result(): { encoding: Encoding; binary: boolean; empty: boolean } {
      if (validUtf8) {
        try {
          utf8.decode();
        } catch {
          validUtf8 = false;
        }
      }
      const head = first ?? Buffer.alloc(0);
      if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', binary: false, empty: bytes <= 2 };
      return { encoding: validUtf8 ? 'utf-8' : 'windows-1252', binary: nulInStart, empty: bytes === 0 || (bytes === 3 && head[0] === 0xef) };
    },
  };
}
