/**
 * One QubitroProjectStack per Qubitro project, both on one ThingPark endpoint.
 *
 *   IOTFLOW_BASE_URL   the IoT Flow API (default: the local emulator, `npm run emulator`)
 *   IOTFLOW_CLIENT_ID  the ThingPark service account's client id
 *   TF_VAR_thingpark_client_secret, TF_VAR_farm_signing_key, TF_VAR_fleet_signing_key   the secrets
 */
import { App } from 'cdktf';
import { QubitroProjectStack } from '../../src';

const app = new App();
const endpoint = {
  baseUrl: process.env.IOTFLOW_BASE_URL ?? 'http://127.0.0.1:8787/iot-flow/v1',
  clientId: process.env.IOTFLOW_CLIENT_ID ?? 'emulator-client',
};

new QubitroProjectStack(app, 'farm-sensors', {
  ...endpoint,
  projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
  signingKeyVariable: 'farm_signing_key',
  connections: [
    { id: 'Uplinks', name: 'Farm sensors to Qubitro', uplinkTimeValidity: '5m', reconnectStrategy: 'CALM' },
    { id: 'Backup', name: 'Farm sensors to Qubitro (backup)', active: false, description: 'Standby route' },
  ],
});

new QubitroProjectStack(app, 'fleet-trackers', {
  ...endpoint,
  projectId: '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b',
  signingKeyVariable: 'fleet_signing_key',
  connections: [{ id: 'Trackers', name: 'Fleet trackers to Qubitro', sendMetadata: true, downlinkPort: 15 }],
});

app.synth();
