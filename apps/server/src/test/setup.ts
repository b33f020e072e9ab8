import { format } from 'node:util';
import { afterAll, afterEach, beforeEach } from 'vitest';

// A console.error in a test fails it: libraries (React, pg, Fastify plugins)
// often report real problems only there, and a message that scrolls by in a
// green run is a bug nobody looks at. A test that expects one says so with
// vi.spyOn(console, 'error').mockImplementation(() => {}).
const writeError = console.error.bind(console);
const pending: string[] = [];
const outsideTests: string[] = [];

console.error = (...args: unknown[]) => {
  pending.push(format(...args));
  writeError(...args);
};

function failWith(messages: string[], where: string): void {
  if (messages.length === 0) return;
  throw new Error(
    `console.error was called ${where}:\n${messages.map((m) => `  ${m}`).join('\n')}\n` +
      "(if the test expects it, use vi.spyOn(console, 'error').mockImplementation(() => {}))",
  );
}

beforeEach(() => {
  outsideTests.push(...pending.splice(0));
});

afterEach(() => {
  failWith(pending.splice(0), 'during this test');
});

afterAll(() => {
  outsideTests.push(...pending.splice(0));
  failWith(outsideTests, 'outside a test (in beforeAll/afterAll or at import)');
});
