import { describe, expect, it } from 'vitest';
import { exportPercent, formatBytes } from './format';

describe('export display', () => {
  it('formats sizes with one decimal below 100 of a unit', () => {
    expect(formatBytes(0, 'en')).toBe('0 B');
    expect(formatBytes(1023, 'en')).toBe('1,023 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024 * 1024, 'en')).toBe('5.0 GB');
    expect(formatBytes(150 * 1024 * 1024, 'pt-BR')).toBe('150 MB');
    expect(formatBytes(1.25 * 1024 * 1024, 'pt-BR')).toBe('1,3 MB');
  });

  it('measures progress in files, never past 100', () => {
    expect(exportPercent({ filesDone: 0, filesTotal: 0 })).toBe(0);
    expect(exportPercent({ filesDone: 3, filesTotal: 12 })).toBe(25);
    expect(exportPercent({ filesDone: 13, filesTotal: 12 })).toBe(100);
  });
});
