/** `cdktf-thingpark-qubitro/review`: the review of a synthesized app and its plans, as data or Markdown. */
export type {
  Action,
  FieldChange,
  Review,
  ReviewedConnection,
  ReviewedSecret,
  ReviewedStack,
  SecretStatus,
} from './model';
export type { RenderOptions } from './markdown';
export type { PlanInput } from './plan';
export { buildReview, reviewMarkdown } from './review';
export { readSynthesizedStacks, type SynthesizedStack } from './synthesized';
export { ReviewError } from '../errors';
export {
  verify,
  type Check,
  type Verdict,
  type Verification,
  type VerifiedConnection,
  type VerifyOptions,
} from './verify';
export { renderVerification, verificationJson } from './verify-markdown';
