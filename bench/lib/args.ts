/** Tiny `--name value` / `--flag` parser for the bench scripts (no dependency). */
export type Args = {
  string(name: string, fallback: string): string;
  optional(name: string): string | undefined;
  number(name: string, fallback: number): number;
  flag(name: string): boolean;
};

export function parseArgs(argv: string[], known: { flags: string[]; values: string[] }): Args {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}`);
    const [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (known.flags.includes(rawName)) {
      flags.add(rawName);
      continue;
    }
    if (!known.values.includes(rawName)) {
      throw new Error(`Unknown option --${rawName}. Options: ${[...known.values, ...known.flags].map((n) => `--${n}`).join(' ')}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${rawName} needs a value`);
    values.set(rawName, value);
  }
  return {
    string: (name, fallback) => values.get(name) ?? fallback,
    optional: (name) => values.get(name),
    number(name, fallback) {
      const v = values.get(name);
      if (v === undefined) return fallback;
      const n = Number(v.replace(/[_,]/g, ''));
      if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
      return n;
    },
    flag: (name) => flags.has(name),
  };
}
