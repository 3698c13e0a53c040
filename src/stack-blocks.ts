/**
 * `import` and `moved` blocks written by the constructs, each kind kept per stack and written as one stack
 * override. cdktf's own `importFrom` cannot express `for_each`, which adoption by name needs, and its
 * `moveFromId` makes `cdktf synth` run `terraform version` once per stack (failing where only `tofu` is
 * installed and adding ~100 ms a stack), so neither is used.
 */
import { IConstruct } from 'constructs';
import { TerraformStack } from './framework';

type Kind = 'import' | 'moved';

const blocks = new WeakMap<TerraformStack, Record<Kind, Record<string, unknown>[]>>();

function addBlock(kind: Kind, scope: IConstruct, block: Record<string, unknown>): void {
  const stack = TerraformStack.of(scope);
  const byKind = blocks.get(stack) ?? { import: [], moved: [] };
  byKind[kind].push(block);
  blocks.set(stack, byKind);
  stack.addOverride(kind, byKind[kind]);
}

export function addImportBlock(scope: IConstruct, block: Record<string, unknown>): void {
  addBlock('import', scope, block);
}

/** `from` and `to` are resource addresses, which the JSON syntax takes as bare strings. */
export function addMovedBlock(scope: IConstruct, block: { from: string; to: string }): void {
  addBlock('moved', scope, block);
}
