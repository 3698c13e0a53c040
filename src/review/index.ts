export {
  Action,
  FieldChange,
  Review,
  ReviewedConnection,
  ReviewedSecret,
  ReviewedStack,
  SECRET_PATHS,
  SecretStatus,
  secretLabel,
} from './model';
export { MIN_SCRUBBED_LENGTH, REDACTION, RenderOptions, renderReview, scrub } from './markdown';
export { applyPlan, checkPlanJson, PlanInput, planSecrets, stackOfPlan } from './plan';
export { buildReview, reviewMarkdown } from './review';
export {
  readSynthesizedStacks,
  reviewSynthesizedStack,
  SynthesizedStack,
  synthesizedSecrets,
} from './synthesized';
