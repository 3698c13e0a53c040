/** Terraform names derived from a construct path: readable, and unique even when two paths differ only in case or punctuation. */
import { createHash } from 'node:crypto';
import { IConstruct } from 'constructs';

export function uniqueName(construct: IConstruct): string {
  const path = construct.node.path;
  const readable = path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `${readable}_${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
}
