import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SETTLE_MS } from '../../emulator';
import {
  httpConnection,
  startTestEmulator,
  type TestEmulator,
  useEmulator,
} from '../support/emulator-client';
import { useFrozenClock } from '../support/clock';

const SETTLE_MS = 900;

describe('emulator state settling', () => {
  const t = useEmulator({ settleMs: SETTLE_MS });
  const clock = useFrozenClock();

  async function stateOf(id: string): Promise<string> {
    return (await t.api('GET', `/connections/${id}`)).body.state;
  }

  it('answers a create with state CLOSED', async () => {
    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.body.state).toBe('CLOSED');
    expect(await stateOf(res.body.id)).toBe('CLOSED');
  });

  /** The state the create answered, then the distinct states read as the clock steps past settleMs. */
  async function observe(created: { id: string; state: string }): Promise<string[]> {
    const seen: string[] = [created.state];
    for (let elapsed = 0; elapsed <= SETTLE_MS + 100; elapsed += 20) {
      const state = await stateOf(created.id);
      if (seen.at(-1) !== state) seen.push(state);
      clock.advance(20);
    }
    return seen;
  }

  it('goes CLOSED, then OPENING, then OPENED over settleMs', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    expect(await observe(created.body)).toEqual(['CLOSED', 'OPENING', 'OPENED']);
  });

  it('shows OPENED once settleMs has passed', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    clock.advance(SETTLE_MS);

    expect(await stateOf(created.body.id)).toBe('OPENED');
  });

  it('settles an inactive connection in DEACTIVATED, never OPENING', async () => {
    const created = await t.api('POST', '/connections', httpConnection({ active: false }));

    expect(created.body.state).toBe('CLOSED');
    expect(await observe(created.body)).toEqual(['CLOSED', 'DEACTIVATED']);
  });

  it('starts settling again after a PUT', async () => {
    const created = await t.api('POST', '/connections', httpConnection());
    clock.advance(SETTLE_MS);

    const replaced = await t.api('PUT', `/connections/${created.body.id}`, httpConnection({ name: 'again' }));

    expect(replaced.body.state).toBe('CLOSED');
  });

  it('settles a connection whose destinationURL is marked unreachable in CLOSED', async () => {
    const body = httpConnection();
    const url = (body.configuration as { destinationURL: string }).destinationURL;
    const marked = await t.control('POST', '/unreachable', { destinationURL: url, state: 'UNREACHABLE' });
    expect(marked.status).toBe(200);
    const created = await t.api('POST', '/connections', body);

    expect(await observe(created.body)).toEqual(['CLOSED', 'OPENING', 'CLOSED']);
  });

  it('settles a connection marked unreachable by id in CLOSED, and in OPENED once the mark is lifted', async () => {
    const created = await t.api('POST', '/connections', httpConnection());
    await t.control('POST', '/unreachable', { id: created.body.id });
    clock.advance(SETTLE_MS);
    expect(await stateOf(created.body.id)).toBe('CLOSED');

    await t.control('POST', '/unreachable', { id: created.body.id, reachable: true });

    expect(await stateOf(created.body.id)).toBe('OPENED');
  });

  it('rejects an unreachable mark without destinationURL or id with 400', async () => {
    expect((await t.control('POST', '/unreachable', { state: 'UNREACHABLE' })).status).toBe(400);
  });

  it('forgets unreachable marks on reset', async () => {
    await t.control('POST', '/unreachable', { destinationURL: 'https://example.com/uplinks' });

    await t.control('POST', '/reset');

    expect((await t.control('GET', '/unreachable')).body).toEqual({ destinationURLs: [], ids: [] });
  });

  it('lets the control plane force a state at once, ahead of settling', async () => {
    const created = await t.api('POST', '/connections', httpConnection());

    await t.control('POST', `/connections/${created.body.id}/state`, { state: 'AUTHENTICATION_FAILED' });

    expect(await stateOf(created.body.id)).toBe('AUTHENTICATION_FAILED');
  });
});

describe('emulator settling options', () => {
  let t: TestEmulator;

  afterEach(() => t.emulator.close());

  it('shows the final state at once with settleMs 0', async () => {
    t = await startTestEmulator({ settleMs: 0 });

    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.body.state).toBe('OPENED');
  });

  it('settles in 300 ms by default', async () => {
    t = await startTestEmulator();
    const created = await t.api('POST', '/connections', httpConnection());
    expect(created.body.state).toBe('CLOSED');

    await sleep(DEFAULT_SETTLE_MS + 50);

    expect((await t.api('GET', `/connections/${created.body.id}`)).body.state).toBe('OPENED');
    expect(DEFAULT_SETTLE_MS).toBe(300);
  });
});
