/**
 * Import blocks written by the constructs. cdktf's `importFrom` cannot express `for_each`, which adoption by
 * name needs, so every import block of a stack is kept here and written as one `import` override.
 */
import { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';

const blocks = new WeakMap<TerraformStack, Record<string, unknown>[]>();

export function addImportBlock(scope: IConstruct, block: Record<string, unknown>): void {
  const stack = TerraformStack.of(scope);
  const list = blocks.get(stack) ?? [];
  list.push(block);
  blocks.set(stack, list);
  stack.addOverride('import', list);
}
