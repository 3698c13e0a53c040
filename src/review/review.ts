/** Puts the pieces together: synthesized stacks, the plans that go with them, and the Markdown. */
import { duplicatePlans } from '../errors';
import { renderReview, type RenderOptions } from './markdown';
import type { Review, ReviewedStack } from './model';
import { applyPlan, type PlanInput, planSecrets, stackOfPlan } from './plan';
import { reviewSynthesizedStack, synthesizedSecrets, type SynthesizedStack } from './synthesized';

/** The review of synthesized stacks, with the plans given (each matched to its stack). */
export function buildReview(stacks: SynthesizedStack[], plans: readonly PlanInput[] = []): Review {
  const planOf = new Map<string, PlanInput>();
  for (const input of plans) {
    const stack = stackOfPlan(input, stacks);
    const other = planOf.get(stack.name);
    if (other) throw duplicatePlans(input.file, other.file, stack.name);
    planOf.set(stack.name, input);
  }
  return {
    stacks: stacks.map((s): ReviewedStack => {
      const reviewed = reviewSynthesizedStack(s);
      const input = planOf.get(s.name);
      return input ? applyPlan(reviewed, input.plan) : reviewed;
    }),
  };
}

/** The Markdown review, scrubbed of every secret the stacks and plans hold. */
export function reviewMarkdown(
  stacks: SynthesizedStack[],
  plans: readonly PlanInput[] = [],
  options: Omit<RenderOptions, 'secrets'> = {},
): string {
  return renderReview(buildReview(stacks, plans), {
    ...options,
    secrets: [
      ...stacks.flatMap((s) => synthesizedSecrets(s.tf)),
      ...plans.flatMap((p) => planSecrets(p.plan)),
    ],
  });
}
