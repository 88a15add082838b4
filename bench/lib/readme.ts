// Writes generated tables into README.md's `## Performance` section, between markers, and
// touches nothing else: the file is read again right before writing, because other people
// edit other sections of the README.

import { readFileSync, writeFileSync } from 'node:fs';

const HEADING = '## Performance';

export function markersFor(name: string): { begin: string; end: string } {
  return {
    begin: `<!-- ${name}:begin (generated: edit the text outside these markers) -->`,
    end: `<!-- ${name}:end -->`,
  };
}

/** The README text with `body` between the markers named `name`, inside the Performance section. */
export function withGeneratedBlock(readme: string, name: string, body: string): string {
  const { begin, end } = markersFor(name);
  const block = `${begin}\n${body.trim()}\n${end}`;
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start >= 0 && stop > start) return readme.slice(0, start) + block + readme.slice(stop + end.length);
  const heading = readme.search(/^## Performance\s*$/m);
  if (heading < 0) return `${readme.trimEnd()}\n\n${HEADING}\n\n${block}\n`;
  // At the end of the Performance section: before the next `## ` heading, or at the end of the file.
  const next = readme.slice(heading + HEADING.length).search(/^## /m);
  const insertAt = next < 0 ? readme.length : heading + HEADING.length + next;
  const before = readme.slice(0, insertAt).trimEnd();
  return `${before}\n\n${block}\n${next < 0 ? '' : `\n${readme.slice(insertAt)}`}`;
}

export function updateReadme(path: string, name: string, body: string): void {
  const current = readFileSync(path, 'utf8');
  writeFileSync(path, withGeneratedBlock(current, name, body));
}
