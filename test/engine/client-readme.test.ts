/**
 * The README's typed-client section names every method `createClient` has (and none it lacks), so the
 * list a reader trusts cannot fall behind client.ts again (models.delete once went unlisted). In plain
 * Node; no request is made.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** "group.method" for every method, "method" for the top-level ones. */
function clientMethods(): string[] {
  const api = createClient({ url: 'http://127.0.0.1:8787', key: 'k', fetch: async () => new Response(null) });
  return Object.entries(api).flatMap(([name, value]) => (typeof value === 'function' ? [name] : Object.keys(value).map((m) => `${name}.${m}`)));
}

/** The methods the "Also …" sentence lists (`group.{a, b}` and bare `name`), and those the example calls. */
function readmeMethods(): string[] {
  const section = README.slice(README.indexOf('## Typed client'), README.indexOf('## How it is built'));
  const also = section.slice(section.indexOf('Also `'));
  // The sentence ends after the last method: "… and `schedules.{put, get, delete}`.".
  const sentence = also.slice(0, also.indexOf('`.') + 1).replace(/\s+/g, ' ');
  const listed = [...sentence.matchAll(/`(\w+)\.\{([^}]*)\}`|`(\w+)`/g)].flatMap((m) => (m[3] ? [m[3]] : m[2].split(',').map((x) => `${m[1]}.${x.trim()}`)));
  const called = [...section.matchAll(/\bapi\.(\w+(?:\.\w+)?)\(/g)].map((m) => m[1]);
  return [...new Set([...listed, ...called])];
}

describe('README typed client section', () => {
  it('names every client method, and only those', () => {
    expect(readmeMethods().sort()).toEqual(clientMethods().sort());
  });
});
