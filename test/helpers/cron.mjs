// Run a crontab line exactly as Debian's cron (3.0pl1) runs it, as checked with a real `cron -f` (see
// ../shared/docs/peers-notes.md): only HOME, LOGNAME, PATH=/usr/bin:/bin and SHELL=/bin/sh; cwd = HOME;
// umask 022; its own session (setsid), no terminal; stdin an empty pipe (or the text after an unescaped
// `%`); `\%` becomes `%` and the first unescaped `%` ends the command.
//
// And a crontab program for tests: the real `crontab`, in a private mount namespace where a temp folder
// is bind-mounted over /var/spool/cron/crontabs, so the machine's crontabs are never read or written.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REAL_SPOOL = '/var/spool/cron/crontabs';

/**
 * Split a crontab line into its command and stdin as cron does. `userField`: /etc/cron.d lines have a
 * user between the schedule and the command.
 */
export function cronCommand(line, { userField = false } = {}) {
  const fields = userField ? 6 : 5;
  const m = new RegExp(`^\\s*((?:\\S+\\s+){${fields}})(.*)$`).exec(line);
  if (!m) throw new Error(`not a crontab line: ${line}`);
  const raw = m[2];
  let command = '';
  let i = 0;
  for (; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && raw[i + 1] === '%') {
      command += '%';
      i++;
    } else if (ch === '%') break;
    else command += ch;
  }
  const rest = i < raw.length ? raw.slice(i + 1) : null;
  const stdin = rest === null ? '' : rest.replace(/(^|[^\\])%/g, '$1\n').replace(/\\%/g, '%') + '\n';
  return { command, stdin, user: userField ? m[1].trim().split(/\s+/)[5] : null };
}

/** Resolves with { code, stdout, stderr }. */
export function runAsCron(command, { home, logname = 'root', stdin = '' }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/bin/sh',
      ['-c', 'umask 022 && cd "$1" && exec /usr/bin/setsid -w /usr/bin/env -i HOME="$1" LOGNAME="$2" PATH=/usr/bin:/bin SHELL=/bin/sh /bin/sh -c "$3"', 'cron', home, logname, command],
      { cwd: home, env: {}, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/**
 * A `crontab` program for tests. With root and unshare: a script running the real crontab against a
 * private spool. Otherwise a stand-in with crontab's -l / - / -u behaviour storing into the temp
 * folder. Returns { command, real, read(user) }.
 */
export function testCrontab() {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-spool-'));
  const spool = join(dir, 'crontabs');
  const command = join(dir, 'crontab');
  const canUnshare =
    process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind ${dir} ${dir}`], { stdio: 'ignore' }).status === 0 && spawnSync('which', ['crontab']).status === 0;
  if (canUnshare) {
    spawnSync('mkdir', ['-m', '1730', spool]);
    writeFileSync(
      command,
      `#!/bin/sh\n# the real crontab, on a private spool: ${spool} is mounted over ${REAL_SPOOL} in a mount namespace of its own\nexec unshare -m /bin/sh -c 'mount --bind "$0" ${REAL_SPOOL} && exec crontab "$@"' '${spool}' "$@"\n`,
    );
  } else {
    spawnSync('mkdir', ['-p', spool]);
    writeFileSync(
      command,
      `#!/bin/sh\n# stand-in for crontab (no unshare here): -l, -, -u USER\nu=$(id -un); if [ "$1" = -u ]; then u=$2; shift 2; fi\nf='${spool}'/$u\ncase "$1" in\n  -l) if [ -f "$f" ]; then cat "$f"; else echo "no crontab for $u" >&2; exit 1; fi ;;\n  -) cat > "$f" ;;\n  *) echo "usage" >&2; exit 1 ;;\nesac\n`,
    );
  }
  chmodSync(command, 0o755);
  return {
    command,
    real: canUnshare,
    spool,
    /** `crontab -l` through the same program. */
    list(user) {
      const r = spawnSync(command, [...(user ? ['-u', user] : []), '-l'], { encoding: 'utf8' });
      return r.status === 0 ? r.stdout : '';
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    set(text, user) {
      const r = spawnSync(command, [...(user ? ['-u', user] : []), '-'], { input: text, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`crontab - failed: ${r.stderr}`);
    },
  };
}

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * The real Debian `cron -f`, run once over a private spool, in a mount namespace of its own where temp
 * folders hide the machine's crontabs, /etc/cron.d, /etc/crontab, /run (the pid file) and /usr/sbin (a
 * copy with a `sendmail` that files each mail into `mailDir`). libfaketime starts cron's clock at
 * 08:04:58, so a `*\/5` job starts two seconds later — the job itself runs on the real clock, since
 * cron builds its environment from scratch. Null when this machine cannot do it (not root, no unshare,
 * cron or libfaketime): then runAsCron() reproduces cron instead.
 */
export function privateCron(spool) {
  const ok =
    process.getuid?.() === 0 &&
    existsSync('/usr/sbin/cron') &&
    existsSync(FAKETIME_LIB) &&
    spawnSync('which', ['pgrep']).status === 0 &&
    spawnSync('unshare', ['-m', 'true']).status === 0;
  if (!ok) return null;
  const root = mkdtempSync(join(tmpdir(), 'simplemon-realcron-'));
  const mailDir = join(root, 'mail');
  for (const d of ['mail', 'cron.d', 'run']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'crontab'), '');
  cpSync('/usr/sbin', join(root, 'sbin'), { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(root, 'sbin', 'sendmail'), `#!/bin/sh\nf=$(/usr/bin/mktemp ${mailDir}/.mail-XXXXXX)\n/bin/cat > "$f" && /bin/mv "$f" "$f.eml"\n`, { mode: 0o755 });
  const script = [
    'set -e',
    'mount --make-rprivate /',
    `mount --bind '${spool}' ${REAL_SPOOL}`,
    `mount --bind '${root}/cron.d' /etc/cron.d`,
    `mount --bind '${root}/crontab' /etc/crontab`,
    `mount --bind '${root}/run' /run`,
    `mount --bind '${root}/sbin' /usr/sbin`,
    `export FAKETIME='@2030-01-07 08:04:58' LD_PRELOAD=${FAKETIME_LIB}`,
    'exec /usr/sbin/cron -f -L 15',
  ].join('\n');
  const children = (pid) => spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return {
    mailDir,
    /** Start cron, wait for the 08:05 job to start and end (mail sent), stop cron. Resolves with the new mails. */
    async runOnce({ timeoutMs = 30_000 } = {}) {
      const before = new Set(readdirSync(mailDir));
      const child = spawn('unshare', ['-m', '/bin/sh', '-c', script], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let gone = false;
      exited.then(() => (gone = true));
      const deadline = Date.now() + timeoutMs;
      let started = false;
      try {
        // a crontab line cron ran lives in a child of cron (Debian names it CRON) until its mail is sent
        while (!gone && Date.now() < deadline) {
          // children of the shell before its exec (mount) are not cron's: look only once cron runs
          let isCron = false;
          try {
            isCron = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'cron';
          } catch {} // exited: seen as `gone` next
          const c = isCron && children(child.pid);
          if (c) started = true;
          else if (started) break; // cron's child for the job ended: job done, mail sent
          await new Promise((r) => setTimeout(r, 50));
        }
        if (gone) throw new Error(`cron exited: ${out}`);
        if (!started || Date.now() >= deadline) throw new Error(`cron ran no job within ${timeoutMs} ms: ${out}`);
      } finally {
        if (!gone) child.kill('SIGTERM');
        await exited;
      }
      return readdirSync(mailDir)
        .filter((f) => f.endsWith('.eml') && !before.has(f))
        .map((f) => parseMail(readFileSync(join(mailDir, f), 'utf8')));
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

function parseMail(text) {
  const i = text.indexOf('\n\n');
  const headers = text.slice(0, i).split('\n');
  return { headers, env: headers.filter((h) => h.startsWith('X-Cron-Env: ')).map((h) => h.slice(13, -1)), body: text.slice(i + 2) };
}
