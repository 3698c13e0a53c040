/**
 * The one list of presets: the constructs, the environments config, the review and the emulator read it.
 * A new brand is one file beside this one (its definition and props), a line here, and its test.
 */
import { configurationPath, type PresetDefinition } from './definition';
import { CAYENNE } from './cayenne';
import { COMMONSENSE } from './commonsense';
import { DATACAKE } from './datacake';
import { GEAR_STUDIO } from './gear-studio';
import { GINJER } from './ginjer';
import { NOMOSENSE } from './nomosense';
import { OPINUM } from './opinum';
import { QUBITRO } from './qubitro';
import { TAGO } from './tago';
import { UNABIZ } from './unabiz';
import { WIDGELIX } from './widgelix';

export const PRESETS: readonly PresetDefinition[] = [
  QUBITRO,
  CAYENNE,
  COMMONSENSE,
  DATACAKE,
  GEAR_STUDIO,
  GINJER,
  NOMOSENSE,
  OPINUM,
  TAGO,
  UNABIZ,
  WIDGELIX,
];

/** The secret every connector shares (a common parameter), with the review's label. */
export const DOWNLINK_AS_KEY = { path: 'downlinkAsKey', label: 'downlink AS key' } as const;

/** The dotted paths inside `configuration` that hold the preset's secrets, the common one included. */
export function presetSecretPaths(definition: PresetDefinition): string[] {
  return [...definition.secrets.map((s) => configurationPath(s.placement)), DOWNLINK_AS_KEY.path];
}

export function presetOfBrand(brand: unknown): PresetDefinition | undefined {
  return PRESETS.find((p) => p.brand === brand);
}

export function presetOfKind(kind: unknown): PresetDefinition | undefined {
  return PRESETS.find((p) => p.kind === kind);
}
