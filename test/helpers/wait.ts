// Small waits every process-level test needs: a loopback port nobody listens on, and a
// condition polled until it holds.
import net from 'node:net';

/** A loopback port that was free a moment ago (listen on 0, read the port, close). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Poll `probe` until it is true; fails naming `what` after timeoutMs. Resolves with the ms it took. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return Date.now() - started;
}
