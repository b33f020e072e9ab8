import { describe, expect, it } from 'vitest';
import en from './en.json';
import ptBR from './pt-BR.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}|<(\w+)>/g)].map((m) => m[1] ?? m[2] ?? '').sort();
}

describe('translations', () => {
  const english = flatten(en);
  const portuguese = flatten(ptBR);

  it('pt-BR has exactly the keys of en', () => {
    expect([...portuguese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('pt-BR keeps every placeholder and tag of en', () => {
    for (const [key, text] of english) {
      expect({ key, placeholders: placeholders(portuguese.get(key) ?? '') }).toEqual({
        key,
        placeholders: placeholders(text),
      });
    }
  });

  it('no translation is empty', () => {
    for (const [key, text] of portuguese) expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
  });
});
