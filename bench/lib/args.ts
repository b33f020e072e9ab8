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

/**
 * The options of one set of `npm run bench` (`--<set>-…`) and the quiet-machine options every set shares
 * (`--quiet-load`, `--quiet-wait-minutes`), picked out of the whole command line and parsed; the other sets'
 * options are left alone. `flags` and `values` name the set's own options.
 */
export function parseSetArgs(argv: string[], set: string, known: { flags: string[]; values: string[] }): Args {
  const mine: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith(`--${set}-`) && !/^--quiet-(load|wait-minutes)(=|$)/.test(a)) continue;
    mine.push(a);
    if (!a.includes('=') && !known.flags.includes(a.slice(2)) && argv[i + 1] !== undefined) mine.push(argv[++i]!);
  }
  return parseArgs(mine, { flags: known.flags, values: [...known.values, 'quiet-load', 'quiet-wait-minutes'] });
}
