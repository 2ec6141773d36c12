// Node's own servers on loopback for tests: every server tracked, each listening on an ephemeral port
// of 127.0.0.1, and all of them (with their open sockets) closed by closeAll() in after().
export function loopbackServers() {
  const servers = [];
  const sockets = new Set();
  return {
    /** Keep a server (or anything with close(cb)) for closeAll(); its sockets are destroyed then. */
    track(server) {
      servers.push(server);
      server.on?.('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {}); // the checks hang up when they have what they need
      });
      server.on?.('tlsClientError', () => {});
      return server;
    },
    /** Listen on an ephemeral loopback port; resolves with the port. */
    listen(server) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server.address().port));
      });
    },
    async closeAll() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
