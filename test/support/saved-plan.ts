/**
 * A saved plan (`tofu plan -out`, `cdktf diff`) is a zip whose entries are deflated: searching its raw bytes
 * finds nothing, whatever it holds. These read it the way an attacker would, entry by entry.
 * fflate is already the project's zip library (tooling/release.ts): no second one for tests.
 */
import * as fs from 'node:fs';
import { unzipSync } from 'fflate';

/** Each entry of the saved plan as UTF-8 text (protobuf strings are UTF-8; other bytes become U+FFFD). */
export function savedPlanEntries(file: string): Record<string, string> {
  const entries = unzipSync(fs.readFileSync(file));
  return Object.fromEntries(
    Object.entries(entries).map(([name, bytes]) => [name, Buffer.from(bytes).toString('utf8')]),
  );
}

/** Every entry of the saved plan in one text, each under its name, for a search. */
export function savedPlanText(file: string): string {
  return Object.entries(savedPlanEntries(file))
    .map(([name, text]) => `--- ${name}\n${text}`)
    .join('\n');
}
