import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readTenant } from '../../../src/import/tenant';

const SECRET = 'client-secret-4f3e2d1c0b';

let server: http.Server;
let base = '';
let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/users-auth/')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'token', token_type: 'Bearer', expires_in: 300 }));
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/iot-flow/v1`;
});

beforeEach(() => (seen.length = 0));
afterAll(() => new Promise((resolve) => server.close(resolve)));

const read = (maxPages?: number) =>
  readTenant({ baseUrl: base, clientId: 'client', clientSecret: SECRET, maxPages });

const page = (ids: number[]) => JSON.stringify(ids.map((id) => ({ id: String(id), name: `c${id}` })));

test('every page is read until a short one', async () => {
  handler = (req, res) => {
    const index = Number(new URL(req.url!, 'http://x').searchParams.get('pageIndex'));
    res.end(index === 1 ? page([1, 2]) : index === 2 ? page([3, 4]) : page([5]));
  };
  expect((await read()).map((c) => c.id)).toEqual(['1', '2', '3', '4', '5']);
  expect(seen.filter((s) => s.startsWith('GET'))).toHaveLength(3);
});

test('a redirect is refused, not followed, and the error holds no secret', async () => {
  handler = (_req, res) => {
    res.statusCode = 302;
    res.setHeader('location', `http://127.0.0.1:1/steal?secret=${SECRET}`);
    res.end();
  };
  const error = await read().catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/redirected \(302\)/);
  expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(SECRET);
  expect(seen.filter((s) => s.includes('steal'))).toEqual([]);
});

test('a server that never ends its pages is stopped at the page bound', async () => {
  let next = 0;
  handler = (_req, res) => res.end(page([++next, ++next]));
  await expect(read(5)).rejects.toThrow(/more than 5 pages/);
});

test('a 401 names the flags and the variable to check', async () => {
  handler = (_req, res) => {
    res.statusCode = 401;
    res.end('{}');
  };
  await expect(read()).rejects.toThrow(/HTTP 401: check --client-id and TF_VAR_thingpark_client_secret/);
});
