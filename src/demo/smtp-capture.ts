// The mail server of `simplemon demo`: a minimal SMTP server on node:net, on loopback, that accepts
// every message and keeps it (and, given a folder, writes it there as NNN.eml for later reading).
//
// Why not npm `smtp-server`: the demo runs from an installed package, which has no dev dependencies,
// and moving smtp-server (with its own dependencies) into every monitoring host's install for a
// demo's sake costs more than the ~100 lines below. It only has to take what simplemon's own
// nodemailer sends on loopback: no TLS, no AUTH, no extensions beyond 8BITMIME.
import { createServer, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CapturedMail {
  from: string;
  to: string[];
  /** The message as received (dot-unstuffed), CRLF line ends. */
  raw: string;
}

export interface RunningSmtp {
  port: number;
  mails: CapturedMail[];
  close(): Promise<void>;
}

const MAX_MESSAGE = 10 << 20;

export async function startSmtpCapture(opts: { host?: string; saveDir?: string } = {}): Promise<RunningSmtp> {
  const host = opts.host ?? '127.0.0.1';
  const mails: CapturedMail[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let data: string[] = [];
    let dataSize = 0;
    let from = '';
    let to: string[] = [];
    const reply = (s: string) => socket.write(s + '\r\n');
    reply('220 simplemon-demo ESMTP ready');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            const raw = data.join('\r\n') + '\r\n';
            mails.push({ from, to, raw });
            if (opts.saveDir) writeFileSync(join(opts.saveDir, `${String(mails.length).padStart(3, '0')}.eml`), raw, { mode: 0o600 });
            data = [];
            dataSize = 0;
            from = '';
            to = [];
            reply(`250 OK: message ${mails.length} kept`);
          } else {
            dataSize += line.length + 2;
            if (dataSize > MAX_MESSAGE) {
              reply('552 message too large');
              socket.destroy();
              return;
            }
            data.push(line.startsWith('.') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-simplemon-demo\r\n250 8BITMIME');
        else if (verb === 'HELO') reply('250 simplemon-demo');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to = [];
          reply('250 OK');
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 OK');
        } else if (verb === 'DATA') {
          if (!to.length) reply('503 RCPT first');
          else {
            inData = true;
            reply('354 end with <CRLF>.<CRLF>');
          }
        } else if (verb === 'RSET') {
          from = '';
          to = [];
          reply('250 OK');
        } else if (verb === 'NOOP') reply('250 OK');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 command not implemented');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    mails,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ------------------------------------------------------------------------------------------------
// Reading what was captured: the subject and the text part, decoded, for the terminal.

function unfoldHeaders(head: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), adjacent ones joined. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function textPart(head: Map<string, string>, body: string): string | null {
  const type = head.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const sep = part.indexOf('\r\n\r\n');
      if (sep < 0) continue;
      const found = textPart(unfoldHeaders(part.slice(0, sep)), part.slice(sep + 4).replace(/\r\n$/, ''));
      if (found !== null) return found;
    }
    return null;
  }
  if (!/^text\/plain/i.test(type)) return null;
  return decodeBody(body, head.get('content-transfer-encoding') ?? '7bit');
}

/** The subject and the plain-text body of a captured message, decoded; line ends as \n. */
export function readMail(raw: string): { subject: string; from: string; to: string; text: string } {
  const sep = raw.indexOf('\r\n\r\n');
  const head = unfoldHeaders(sep < 0 ? raw : raw.slice(0, sep));
  const body = sep < 0 ? '' : raw.slice(sep + 4);
  return {
    subject: decodeHeader(head.get('subject') ?? ''),
    from: decodeHeader(head.get('from') ?? ''),
    to: decodeHeader(head.get('to') ?? ''),
    text: (textPart(head, body) ?? '').replace(/\r\n/g, '\n').trimEnd(),
  };
}
