// A private certificate authority made with openssl in a temp folder, and the server certificates the
// HTTPS tests need: valid 90 days for localhost/127.0.0.1, one that expires in 3 days, one that expired
// 2 days ago, and one for another host name. OpenSSL 3.0 (Debian 12) has no `x509 -not_before/-not_after`,
// so leaves are signed with `openssl ca`, which takes explicit -startdate/-enddate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DAY = 86_400_000;

/** openssl's ASN.1 time: YYYYMMDDHHMMSSZ. */
function asn1Time(ms) {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Make the CA and leaves. Returns PEM strings (`ca`, and `{ key, cert }` per leaf), their planned
 * expiry times, and `cleanup()` which removes the folder.
 */
export function makeTestCa({ now = Date.now() } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-tls-'));
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '400', '-subj', '/O=simplemon tests/CN=simplemon test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  mkdirSync(join(dir, 'newcerts'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ ca ]', 'default_ca = test_ca',
    '[ test_ca ]', `dir = ${dir}`, 'database = $dir/index.txt', 'new_certs_dir = $dir/newcerts', 'certificate = $dir/ca.pem',
    'private_key = $dir/ca.key', 'serial = $dir/serial', 'default_md = sha256', 'policy = policy_any', 'unique_subject = no',
    'copy_extensions = none',
    '[ policy_any ]', 'commonName = supplied', '',
  ].join('\n'));

  const leaf = (name, cn, san, fromMs, toMs) => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    run('ca', '-config', 'ca.cnf', '-batch', '-notext', '-in', `${name}.csr`, '-out', `${name}.pem`, '-extfile', `${name}.ext`,
      '-startdate', asn1Time(fromMs), '-enddate', asn1Time(toMs));
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), notAfter: Math.floor(toMs / 1000) * 1000 };
  };

  const local = 'DNS:localhost,IP:127.0.0.1';
  return {
    dir,
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    valid: leaf('valid', 'localhost', local, now - DAY, now + 90 * DAY),
    soon: leaf('soon', 'localhost', local, now - 30 * DAY, now + 3 * DAY),
    expired: leaf('expired', 'localhost', local, now - 30 * DAY, now - 2 * DAY),
    wrongHost: leaf('wronghost', 'other.example', 'DNS:other.example', now - DAY, now + 90 * DAY),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
