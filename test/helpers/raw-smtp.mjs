// A scripted SMTP server on a raw TCP socket (127.0.0.1, random port) for fault tests: it speaks just
// enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH) and misbehaves on
// request. `ctl.mode`:
//
//   ok              a normal server; `ctl.holdMessage = n` never answers the end of the n-th message;
//                   `ctl.dataDelayMs` answers the end of each message that much later (a slow server)
//   silent          accepts the connection and never says a word
//   trickle         every reply after the greeting sent one byte every `ctl.trickleMs`
//   close-mid-data  after DATA, closes the connection as soon as message bytes arrive
//   421             greets with 421 and closes; 451 answers the end of DATA with 451; 550 refuses RCPT
//
// `await ctl.down()` stops listening (connections refused), `await ctl.up()` listens on the same port.
// `ctl.received` holds the accepted messages: { messageId, subject, raw }.
import net from 'node:net';

export async function startRawSmtp() {
  const sockets = new Set();
  const timers = new Set();
  const ctl = { mode: 'ok', trickleMs: 250, holdMessage: 0, dataDelayMs: 0, received: [], connections: 0, messages: 0, port: 0 };

  const onConnection = (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    ctl.connections++;
    const mode = ctl.mode; // a connection keeps the mode it started with
    let queue = Promise.resolve();
    let greeted = false;
    const write = (text) => {
      // the greeting comes at once: past it, only a deadline for the whole exchange can end a trickle
      if (mode !== 'trickle' || !greeted) {
        if (!sock.destroyed) sock.write(text);
        return;
      }
      // one byte at a time, in order, across replies
      for (const ch of text) {
        queue = queue.then(
          () =>
            new Promise((resolve) => {
              const t = setTimeout(() => {
                timers.delete(t);
                if (!sock.destroyed) sock.write(ch);
                resolve();
              }, ctl.trickleMs);
              timers.add(t);
            }),
        );
      }
    };
    const reply = (line) => write(`${line}\r\n`);
    if (mode === 'silent') return;
    if (mode === '421') {
      sock.end('421 fake.test Too busy, try again later\r\n');
      return;
    }
    reply('220 fake.test ESMTP');
    greeted = true;
    let buf = '';
    let inData = false;
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          if (mode === 'close-mid-data') return sock.destroy();
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const raw = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          const n = ++ctl.messages;
          if (mode === '451') {
            reply('451 4.3.0 Local problem, try again later');
            continue;
          }
          if (ctl.holdMessage === n) continue; // never answered
          const head = raw.split('\r\n\r\n')[0];
          const accept = () => {
            ctl.received.push({ raw, messageId: /^Message-ID:\s*(.+)$/im.exec(head)?.[1].trim(), subject: /^Subject:\s*(.+)$/im.exec(head)?.[1].trim() });
            reply(`250 2.0.0 queued as ${n}`);
          };
          if (!ctl.dataDelayMs) accept();
          else {
            const t = setTimeout(() => {
              timers.delete(t);
              if (!sock.destroyed) accept();
            }, ctl.dataDelayMs);
            timers.add(t);
          }
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 fake.test');
        else if (verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') reply('250 2.0.0 OK');
        else if (verb === 'RCPT') reply(mode === '550' ? '550 5.1.1 No such mailbox' : '250 2.1.5 OK');
        else if (verb === 'DATA') {
          inData = true;
          reply('354 go ahead');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          sock.end();
          return;
        } else reply('502 5.5.2 not implemented');
      }
    });
  };

  let server = net.createServer(onConnection);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctl.port = server.address().port;

  const closeServer = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  ctl.down = closeServer;
  ctl.up = async () => {
    server = net.createServer(onConnection);
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(ctl.port, '127.0.0.1', resolve);
    });
  };
  ctl.stop = async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    if (server.listening) await closeServer();
    else for (const s of sockets) s.destroy();
  };
  return ctl;
}
