/**
 * The review's JSON inputs (manifest, cdk.tf.json, plans). Errors name the file and never quote its text:
 * JSON.parse's own message does, and these files may hold secrets.
 */
import * as fs from 'node:fs';
import { invalidJson, unreadableReviewFile } from '../errors';

/** `text` parsed, or a ReviewError naming `file` with `fix`. */
export function parseJsonFile(file: string, text: string, fix: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJson(file, fix);
  }
}

/** The file read and parsed, or a ReviewError naming it (with `fix` when it is not JSON). */
export function readJsonFile(file: string, fix: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadableReviewFile(file, (err as NodeJS.ErrnoException).code);
  }
  return parseJsonFile(file, text, fix);
}
