import { Construct } from 'constructs';
import { ConnectionOptions } from './iot-flow-connection';
import type { PresetConnectionOptions } from './presets/options';
import { PresetConnection, presetConfiguration } from './presets/preset-connection';
import { QUBITRO } from './presets/qubitro';

export interface QubitroConnectionProps extends PresetConnectionOptions {
  /** The Qubitro project id (a UUID): Qubitro portal → project → new source → Actility. */
  readonly projectId: string;
  /** The project's webhook signing key, as a token of a sensitive `TerraformVariable`. */
  readonly webhookSigningKey: string;
  /**
   * Where IoT Flow posts uplinks.
   * @default https://webhook.qubitro.com/integrations/actility
   */
  readonly destinationUrl?: string;
}

/**
 * An IoT Flow connection that forwards LoRaWAN traffic to a Qubitro project: the `actility-http-iot`
 * connector with brand `QUBITRO`, the project id and webhook signing key as headers.
 */
export class QubitroConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: QubitroConnectionProps) {
    super(scope, id, props, QUBITRO);
  }
}

/**
 * The `configuration` a Qubitro connection sends: the destination, the project id and signing key as
 * headers, and the common parameters (undefined ones are left out when sent). Also builds the bench's raw
 * baselines, which must send the same body (their key travels write-only, so they pass none).
 */
export function qubitroConfiguration(
  props: Omit<QubitroConnectionProps, keyof ConnectionOptions | 'webhookSigningKey'> & {
    readonly webhookSigningKey?: string;
  },
): Record<string, unknown> {
  return presetConfiguration(QUBITRO, props);
}
