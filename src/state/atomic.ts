// Crash-safe file replacement: a crash at any instant leaves the old or the new file, never a mix.
import { open, rename, mkdir, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Write `data` to a fresh temp file beside `file` (mode 0600, O_EXCL, so never through a planted link),
 * fsync it, rename it over `file`, then fsync the folder so the rename itself is durable.
 * The temp name is unique per call: two writers can never share it (lowdb's own writer uses one fixed
 * temp name per file).
 */
export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.chmod(mode); // umask may have narrowed or (never) widened it
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  const dh = await open(dir, 'r').catch(() => null);
  if (dh) {
    await dh.sync().catch(() => {}); // some file systems refuse fsync on folders; the rename still happened
    await dh.close();
  }
}
