import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { createCsvParser, createEncodingSniffer, detectDelimiter, FileFormatError, MAX_CELL_CHARS, type CsvRecord, type Encoding } from './csv.ts';

export type SpooledFile = {
  path: string;
  bytes: number;
  format: 'csv' | 'xlsx';
  encoding: Encoding | null;
  dispose(): Promise<void>;
};

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Writes an upload to a temporary file as it arrives (never whole in memory), noting its encoding on the way,
 * and tells CSV from XLSX by its first bytes (an XLSX is a ZIP), whatever its name says.
 */
export async function spoolUpload(stream: Readable, maxBytes: number): Promise<SpooledFile> {
  const file = path.join(os.tmpdir(), `leadflow-import-${randomUUID()}`);
  const sniffer = createEncodingSniffer();
  let bytes = 0;
  let head: Buffer = Buffer.alloc(0);
  const dispose = () => fsp.rm(file, { force: true });
  try {
    await pipeline(
      stream,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes > maxBytes) return done(new FileFormatError(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`));
          if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4)]);
          sniffer.update(chunk);
          done(null, chunk);
        },
      }),
      fs.createWriteStream(file),
    );
  } catch (err) {
    await dispose();
    throw err;
  }
  const truncated = (stream as Readable & { truncated?: boolean }).truncated;
  if (truncated) {
    await dispose();
    throw new FileFormatError(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  }
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return { path: file, bytes, format: 'xlsx', encoding: null, dispose };
  const sniffed = sniffer.result();
  if (sniffed.empty) {
    await dispose();
    throw new FileFormatError('The file is empty');
  }
  if (sniffed.binary) {
    await dispose();
    throw new FileFormatError('This is not a text CSV file (it contains binary data). Save it as CSV or XLSX and upload it again');
  }
  return { path: file, bytes, format: 'csv', encoding: sniffed.encoding, dispose };
}

export type RecordSource = {
  delimiter: string | null;
  sheet: string | null;
  records: AsyncGenerator<CsvRecord>;
};

/** The records of a spooled CSV, decoded and split by the detected (or given) delimiter. */
export async function readCsv(file: SpooledFile, delimiter?: string): Promise<RecordSource> {
  const encoding = file.encoding ?? 'utf-8';
  const fd = await fsp.open(file.path, 'r');
  const sampleBuf = Buffer.alloc(65_536);
  const { bytesRead } = await fd.read(sampleBuf, 0, sampleBuf.length, 0);
  await fd.close();
  const sample = new TextDecoder(encoding).decode(sampleBuf.subarray(0, bytesRead));
  const chosen = delimiter ?? detectDelimiter(sample);

  async function* records(): AsyncGenerator<CsvRecord> {
    // TextDecoder drops the byte order mark; `stream: true` keeps characters split across chunks whole.
    const decoder = new TextDecoder(encoding);
    const parser = createCsvParser(chosen);
    for await (const chunk of fs.createReadStream(file.path, { highWaterMark: 256 * 1024 })) {
      yield* parser.push(decoder.decode(chunk as Buffer, { stream: true }));
    }
    const tail = decoder.decode();
    if (tail) yield* parser.push(tail);
    yield* parser.end();
  }
  return { delimiter: chosen, sheet: null, records: records() };
}

type CellValue = ExcelJS.CellValue;

function two(n: number) {
  return String(n).padStart(2, '0');
}

/** A spreadsheet cell as the text a person sees; dates as ISO (YYYY-MM-DD, with the time when it has one). */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const date = `${v.getUTCFullYear()}-${two(v.getUTCMonth() + 1)}-${two(v.getUTCDate())}`;
    const hasTime = v.getUTCHours() || v.getUTCMinutes() || v.getUTCSeconds();
    return hasTime ? `${date}T${two(v.getUTCHours())}:${two(v.getUTCMinutes())}:${two(v.getUTCSeconds())}` : date;
  }
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText((v.result ?? null) as CellValue);
    if ('error' in v) return '';
    return '';
  }
  return String(v);
}

/** The records of one worksheet of a spooled XLSX (the first, or the named or numbered one), read as a stream. */
export async function readXlsx(file: SpooledFile, sheet?: string): Promise<RecordSource> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file.path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  let chosenName: string | null = null;
  async function* records(): AsyncGenerator<CsvRecord> {
    let index = 0;
    let found = false;
    try {
      for await (const ws of reader) {
        index++;
        const w = ws as unknown as AsyncIterable<ExcelJS.Row> & { name?: string; id?: number };
        const name = w.name ?? `Sheet${index}`;
        const wanted = sheet === undefined ? index === 1 : sheet === name || sheet === String(index);
        if (!wanted) {
          // Worksheets must be read in order; skip this one's rows.
          for await (const _row of w) void _row;
          continue;
        }
        found = true;
        chosenName = name;
        for await (const row of w) {
          const values = (row.values as CellValue[]).slice(1);
          let tooLongColumn: number | undefined;
          const cells = Array.from(values, (v, i) => {
            const text = cellText(v ?? null);
            if (text.length > MAX_CELL_CHARS) {
              tooLongColumn ??= i + 1;
              return text.slice(0, MAX_CELL_CHARS);
            }
            return text;
          });
          while (cells.length && cells[cells.length - 1] === '') cells.pop();
          if (!cells.length) continue;
          yield tooLongColumn !== undefined ? { row: row.number, cells, tooLongColumn } : { row: row.number, cells };
        }
        break;
      }
    } catch (err) {
      if (err instanceof FileFormatError) throw err;
      throw new FileFormatError('This file could not be read as an XLSX workbook; save it again from your spreadsheet as .xlsx or .csv');
    }
    if (!found) throw new FileFormatError(sheet === undefined ? 'The workbook has no worksheet' : `The workbook has no worksheet "${sheet}"`);
  }
  return {
    delimiter: null,
    get sheet() {
      return chosenName;
    },
    records: records(),
  };
}
