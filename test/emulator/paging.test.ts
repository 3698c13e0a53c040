import { call, httpConnection, startTestEmulator, type TestEmulator } from '../support/emulator-client';

async function createMany(t: TestEmulator, count: number): Promise<void> {
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) =>
      t.api('POST', '/connections', httpConnection({ name: `c${start + i}` })),
    );
    for (const res of await Promise.all(batch)) expect(res.status).toBe(201);
  }
}

describe('emulator paging of GET /connections', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator({ settleMs: 0 });
    await createMany(t, 250);
  });
  afterAll(() => t.emulator.close());

  it('answers the first 100 connections without pageIndex', async () => {
    const res = await t.api('GET', '/connections');

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(100);
    expect(res.body[0].id).toBe('1000');
    expect(res.body[99].id).toBe('1099');
  });

  it('answers the remaining 50 on pageIndex=3 of 250 connections', async () => {
    const res = await t.api('GET', '/connections?pageIndex=3');

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(50);
    expect(res.body[0].id).toBe('1200');
    expect(res.body[49].id).toBe('1249');
  });

  it('answers the second hundred on pageIndex=2', async () => {
    const res = await t.api('GET', '/connections?pageIndex=2');

    expect(res.body.map((c: { id: string }) => c.id)).toEqual(
      Array.from({ length: 100 }, (_, i) => String(1100 + i)),
    );
  });

  it('answers pageIndex=1 like no pageIndex', async () => {
    expect((await t.api('GET', '/connections?pageIndex=1')).body).toEqual(
      (await t.api('GET', '/connections')).body,
    );
  });

  it('answers a page past the end with an empty array', async () => {
    const res = await t.api('GET', '/connections?pageIndex=4');

    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('pages the DX Core prefix the same way', async () => {
    const res = await call('GET', `${t.emulator.url}/thingpark/dx/core/latest/api/connections?pageIndex=3`, {
      token: t.token,
    });

    expect(res.body).toHaveLength(50);
  });

  it.each(['0', '-1', '1.5', 'abc', '', '01', '1e2', '99999999999999999999'])(
    'rejects pageIndex=%s with 400',
    async (value) => {
      const res = await t.api('GET', `/connections?pageIndex=${encodeURIComponent(value)}`);

      expect(res.status).toBe(400);
      expect(res.body.message).toContain('pageIndex');
    },
  );

  it('does not page the control plane listing', async () => {
    expect((await t.control('GET', '/connections')).body).toHaveLength(250);
  });
});

describe('emulator page order and size', () => {
  let t: TestEmulator;

  afterEach(() => t.emulator.close());

  it('orders a page by numeric id, so "1000" comes before "10000"', async () => {
    t = await startTestEmulator({ settleMs: 0, pageSize: 5 });
    await createMany(t, 12);

    const ids = [1, 2, 3].map(async (page) => (await t.api('GET', `/connections?pageIndex=${page}`)).body);
    const pages = await Promise.all(ids);

    expect(pages.map((page) => page.length)).toEqual([5, 5, 2]);
    expect(pages.flat().map((c: { id: string }) => Number(c.id))).toEqual(
      Array.from({ length: 12 }, (_, i) => 1000 + i),
    );
  });

  it('uses the pageSize option as the page size', async () => {
    t = await startTestEmulator({ settleMs: 0, pageSize: 2 });
    await createMany(t, 3);

    expect((await t.api('GET', '/connections')).body).toHaveLength(2);
    expect((await t.api('GET', '/connections?pageIndex=2')).body).toHaveLength(1);
  });
});
