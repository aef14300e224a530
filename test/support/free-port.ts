import { createServer } from 'node:net';

/** A free loopback port, for servers that cannot listen on port 0 (Probot's server takes 0 as its default, 3000). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}
