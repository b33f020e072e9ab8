import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { createCsvParser, detectDelimiter, FileFormatError, MAX_CELL_CHARS } from './csv.ts';
import { readCsv, readXlsx, spoolUpload, type SpooledFile } from './file-reader.ts';

function parseAll(text: string, delimiter = ',', chunkSize = text.length) {
  const p = createCsvParser(delimiter);
  const out = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...p.push(text.slice(i, i + chunkSize)));
  out.push(...p.end());
  return out;
}

async function spool(bytes: Buffer | string, chunk = 7): Promise<SpooledFile> {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return spoolUpload(Readable.from(parts), 10 * 1024 * 1024);
}

async function rowsOf(file: SpooledFile) {
  const src = file.format === 'xlsx' ? await readXlsx(file) : await readCsv(file);
  const out = [];
  for await (const r of src.records) out.push(r.cells);
  await file.dispose();
  return { rows: out, delimiter: src.delimiter };
}

describe('CSV parser', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, in any chunking', () => {
    const text = 'name,note\r\n"Silva, Ana","She said ""hi""\nthen left"\r\nBob,plain\n\nCarl,"x"\n';
    for (const size of [1, 2, 3, 5, 1000]) {
      const rows = parseAll(text, ',', size);
      expect(rows.map((r) => r.cells)).toEqual([
        ['name', 'note'],
        ['Silva, Ana', 'She said "hi"\nthen left'],
        ['Bob', 'plain'],
        ['Carl', 'x'],
      ]);
      expect(rows.map((r) => r.row)).toEqual([1, 2, 4, 6]);
    }
  });

  it('reads a last line without a line break, and CR-only line ends', () => {
    expect(parseAll('a;b\rc;d', ';').map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('refuses an unbalanced quote, naming the row and column where it opened', () => {
    let error: unknown;
    try {
      parseAll('a,b\n1,2\n3,"open\n4,5\n');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).row).toBe(3);
    expect((error as FileFormatError).column).toBe(2);
    expect((error as Error).message).toMatch(/row 3 \(column 2\).*never closed/);
  });

  it('cuts a huge cell and flags its column instead of holding it', () => {
    const big = 'x'.repeat(MAX_CELL_CHARS * 3);
    const rows = parseAll(`a,b\n1,"${big}"\n2,3\n`, ',', 4096);
    expect(rows[1]!.tooLongColumn).toBe(2);
    expect(rows[1]!.cells[1]!.length).toBe(MAX_CELL_CHARS);
    expect(rows[2]!.cells).toEqual(['2', '3']);
    expect(rows[2]!.tooLongColumn).toBeUndefined();
  });

  it('detects the delimiter', () => {
    expect(detectDelimiter('name;email;phone\nAna;a@x.com;1\nBia;b@x.com;2\n')).toBe(';');
    expect(detectDelimiter('name\temail\nAna\ta@x.com\n')).toBe('\t');
    expect(detectDelimiter('name,city\n"Silva; Ana",Rio\nBob,"São Paulo"\n')).toBe(',');
    expect(detectDelimiter('a|b|c\n1|2|3\n')).toBe('|');
    expect(detectDelimiter('just one column\nvalue\n')).toBe(',');
  });
});

describe('encodings and file kinds', () => {
  it('reads UTF-8 with a BOM (split across chunks) without the BOM in the first header', async () => {
    const file = await spool(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('nome;cidade\nJoão;São Paulo\n')]), 2);
    expect(file.encoding).toBe('utf-8');
    expect(await rowsOf(file)).toEqual({ delimiter: ';', rows: [['nome', 'cidade'], ['João', 'São Paulo']] });
  });

  it('detects Windows-1252 / Latin-1 even when the first non-ASCII byte comes late', async () => {
    const ascii = 'name,city\n' + 'Bob,Rio\n'.repeat(20_000);
    const latin = Buffer.from('Conceição,Açu\n', 'latin1');
    const file = await spool(Buffer.concat([Buffer.from(ascii), latin, Buffer.from([0x80]), Buffer.from(',x\n')]), 4096);
    expect(file.encoding).toBe('windows-1252');
    const { rows } = await rowsOf(file);
    expect(rows.at(-2)).toEqual(['Conceição', 'Açu']);
    // 0x80 is the euro sign in Windows-1252 (not a control character as in ISO-8859-1).
    expect(rows.at(-1)).toEqual(['€', 'x']);
  });

  it('reads UTF-16 (Excel "Unicode text")', async () => {
    const body = Buffer.from('name\tcity\nJoão\tRio\n', 'utf16le');
    const file = await spool(Buffer.concat([Buffer.from([0xff, 0xfe]), body]));
    expect(file.encoding).toBe('utf-16le');
    expect((await rowsOf(file)).rows).toEqual([
      ['name', 'city'],
      ['João', 'Rio'],
    ]);
  });

  it('refuses an empty file, a BOM-only file and binary junk', async () => {
    await expect(spool('')).rejects.toThrow('The file is empty');
    await expect(spool(Buffer.from([0xef, 0xbb, 0xbf]))).rejects.toThrow('The file is empty');
    const junk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
    await expect(spool(junk)).rejects.toThrow(/not a text CSV/);
  });

  it('refuses a file over the size limit', async () => {
    await expect(spoolUpload(Readable.from([Buffer.alloc(600, 65), Buffer.alloc(600, 65)]), 1000)).rejects.toThrow(/larger than/);
  });

  it('reads an XLSX worksheet by stream: the first by default, another by name or number; dates as ISO', async () => {
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('Leads');
    first.addRow(['Name', 'Email', 'Born', 'Score']);
    first.addRow(['Ana', { text: 'ana@x.com', hyperlink: 'mailto:ana@x.com' }, new Date(Date.UTC(1990, 4, 17)), 42]);
    first.addRow([{ richText: [{ text: 'Bo' }, { text: 'b' }] }, 'bob@x.com', null, { formula: '40+2', result: 42 }]);
    const second = wb.addWorksheet('Other');
    second.addRow(['X']);
    second.addRow(['y']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());

    const file = await spool(buf, 1000);
    expect(file.format).toBe('xlsx');
    expect((await rowsOf(file)).rows).toEqual([
      ['Name', 'Email', 'Born', 'Score'],
      ['Ana', 'ana@x.com', '1990-05-17', '42'],
      ['Bob', 'bob@x.com', '', '42'],
    ]);
    for (const sheet of ['Other', '2']) {
      const f = await spool(buf, 1000);
      const src = await readXlsx(f, sheet);
      const rows = [];
      for await (const r of src.records) rows.push(r.cells);
      expect(rows).toEqual([['X'], ['y']]);
      expect(src.sheet).toBe('Other');
      await f.dispose();
    }
    const f = await spool(buf, 1000);
    const src = await readXlsx(f, 'Missing');
    await expect(async () => {
      for await (const r of src.records) void r;
    }).rejects.toThrow('The workbook has no worksheet "Missing"');
    await f.dispose();
  });

  it('refuses a ZIP that is not a workbook', async () => {
    const f = await spool(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]));
    const src = await readXlsx(f);
    await expect(async () => {
      for await (const r of src.records) void r;
    }).rejects.toThrow(/could not be read as an XLSX/);
    await f.dispose();
  });
});
