/** The connections every benchmark declares: a realistic mix of the optional fields, deterministic. */
import type { QubitroProjectConnection } from '../src';

export const BENCH_PROJECT_ID = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';

/**
 * `count` connections for one project stack. The first `changed` of them get another description, which is
 * what the "change k" scenario applies.
 */
export function benchConnections(count: number, changed = 0): QubitroProjectConnection[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return {
      id: `Conn${n}`,
      name: `Bench connection ${n}`,
      description: i < changed ? `Changed ${n}` : `Sensors group ${n}`,
      ...(i % 2 === 0 && { uplinkTimeValidity: '5m' }),
      ...(i % 3 === 0 && { reconnectStrategy: 'CALM' as const }),
      ...(i % 5 === 0 && { sendMetadata: true, downlinkPort: 15 }),
      ...(i % 7 === 0 && { active: false }),
    };
  });
}
