/**
 * What a brand of IoT Flow's HTTP connector is, as plain data: where it posts, which props it takes, where
 * each secret goes. The constructs, the environments config, the review and the emulator all read these
 * definitions (src/presets/registry.ts), so this module and the brand files import no framework and no zod.
 */

/** Where a secret travels inside `configuration`. */
export type SecretPlacement =
  /** A header of `configuration.headers`, its value `prefix` + the secret (e.g. `Bearer `). */
  | { readonly header: string; readonly prefix?: string }
  /** A query parameter of `configuration.destinationURL` (the URL is then partly secret). */
  | { readonly queryParameter: string }
  /** A field of `configuration` (e.g. OPINUM's `password`). */
  | { readonly field: string };

export interface PresetSecret {
  /** The construct prop that takes it, e.g. `accessToken`. */
  readonly prop: string;
  /** How the review names it, e.g. `access token`. */
  readonly label: string;
  /** The end of its variable's name: a YAML project's default variable is `<env>_<project>_<suffix>`. */
  readonly variableSuffix: string;
  /** How its variable's description and a missing-variable error name it, e.g. `webhook signing key`. @default the label */
  readonly about?: string;
  /** Where the user finds it, quoted by a missing-variable error, e.g. `Qubitro portal → …`. @default - none */
  readonly obtain?: string;
  readonly placement: SecretPlacement;
}

/** A plain (non-secret) prop that the brand sends, and where. */
export interface PresetField {
  readonly prop: string;
  /** A header (`headers.<name>`) or a configuration field. */
  readonly placement: { readonly header: string } | { readonly field: string };
  /** What the value must be: a UUID, or non-empty text without whitespace at either end. */
  readonly format: 'uuid' | 'text';
  /** Shown by the review as the connection's project or account. */
  readonly account?: boolean;
}

export interface PresetDestination {
  /** The documented URL, sent when `destinationUrl` is not given; none where the user's host is part of it. */
  readonly default?: string;
  /** The hosts the brand serves (any https host when absent). */
  readonly hosts?: readonly string[];
  /** The path the URL must have (GEAR_STUDIO's `/services/thingpark` on the user's own instance). */
  readonly path?: string;
}

export interface PresetDefinition {
  /** The environments config's `kind` and the preset's short name, e.g. `tago`. */
  readonly kind: string;
  /** The `brand` sent to the API, e.g. `TAGO`. */
  readonly brand: string;
  /** The platform's name, e.g. `TagoIO`. */
  readonly title: string;
  readonly connectorId: string;
  /** The `destinationURL` rule; absent for a brand that sends none (OPINUM). */
  readonly destination?: PresetDestination;
  readonly secrets: readonly PresetSecret[];
  readonly fields: readonly PresetField[];
  /** Where the definition comes from (tpx-iot-flow-doc `docs/Connector/<BRAND>/README.md`), and what is assumed. */
  readonly source: string;
}

/** A dotted path inside `configuration`, as `secretFields` and the provider's `secrets_wo` take it. */
export function configurationPath(placement: SecretPlacement | PresetField['placement']): string {
  if ('header' in placement) return `headers.${placement.header}`;
  if ('queryParameter' in placement) return `destinationURL?${placement.queryParameter}`;
  return placement.field;
}
