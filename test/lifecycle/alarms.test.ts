/** The documented alarm form, end to end: synth → POST body → GET, unchanged, and no drift after. */
import { startEmulator } from '../../emulator';
import { Alarm } from '../../src';
import { callApi, Workspace, writes } from '../support/engine';

const DOCUMENTED: Alarm = {
  startTime: '2019-01-31T09:00:00+01:00',
  endTime: '2019-01-31T18:00:00+01:00',
  timezone: 'Europe/Paris',
  recurrence: [{ frequency: 'weekly', byDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] }],
  uplinkRateMinPerHour: 15,
  message: 'Low rate during business day...',
};

test('an alarm in the documented form is POSTed and read back unchanged, and the re-plan is empty', async () => {
  const emulator = await startEmulator({ settleMs: 0 });
  const ws = new Workspace(emulator);
  try {
    ws.synth({
      projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
      connections: [{ id: 'Uplinks', name: 'Farm uplinks', alarms: [DOCUMENTED] }],
    });
    await ws.apply();
    const [post] = writes(emulator);
    expect((post.body as { alarms: unknown }).alarms).toEqual([DOCUMENTED]);
    const id = (await ws.connectionIds()).Uplinks;
    expect((await callApi(emulator, 'GET', `/connections/${id}`)).body!.alarms).toEqual([DOCUMENTED]);
    expect((await ws.plan()).code).toBe(0);
  } finally {
    ws.dispose();
    await emulator.close();
  }
});
