/** A byte count as people read it (1.4 MB), in the current language's number format. */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${units[unit]}`;
}

/** Share of the export written, 0–100, from the files done (the row count of a file is unknown until it ends). */
export function exportPercent(progress: { filesDone: number; filesTotal: number }): number {
  if (progress.filesTotal <= 0) return 0;
  return Math.min(100, Math.round((progress.filesDone / progress.filesTotal) * 100));
}
