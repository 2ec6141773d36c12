// The `vcenters:` section (issue: vCenter). Owned by the vCenter work; wired into schema.ts.
//
//   vcenters:
//     - name: vc1                               # device id vcenter/vc1; hosts host/vc1/<name> …
//       url: https://vcenter.example.com/sdk    # https (or http for a lab); /sdk is added when no path
//       username: monitor@vsphere.local
//       password: ${VCENTER_PASSWORD}           # or password-file: /etc/simplemon/vc1.pass
//       ca-file: /etc/simplemon/vcenter-ca.pem  # optional: trust this CA (PEM) besides the system's
//       insecure: false                         # true skips certificate checks (warned about)
//       keep-session: false                     # true: reuse one session kept in the state file
//       page-size: 1000                         # objects per RetrievePropertiesEx page
//       timeout: 30s                            # the whole poll of this vCenter (+2s for Logout)
//       thresholds:                             # overrides for this vCenter's devices, by kind
//         host: { cpu: { above: 90 } }
//         vm: { disk-free: { below: 5 } }
import type { DeviceKind } from '../../core/types.js';
import type { NetDefaults, ThresholdConfig } from '../../config/types.js';
import { bool, caFile, deviceName, duration, entries, fail, fields, join, namedList, num, secret, str, warn, type Ctx, type YNode } from '../../config/validate.js';
import { rulesBlock } from '../../config/rules.js';
import { VSPHERE_RULES } from './rules.js';

export interface VcenterConfig {
  name: string;
  id: string; // vcenter/<name>
  /** SDK endpoint, e.g. https://vc.example.com/sdk */
  url: string;
  username: string;
  password: string;
  /** Absolute path of a PEM CA bundle to trust, or null for the system's CAs. */
  caFile: string | null;
  insecure: boolean;
  keepSession: boolean;
  pageSize: number;
  timeoutMs: number;
  /**
   * Rule overrides for the devices of this vCenter, keyed by kind (vcenter, host, vm, datastore):
   * they apply after the top-level `thresholds:` of the same kind.
   */
  thresholds: ThresholdConfig;
}

export const VCENTER_DEFAULTS = { pageSize: 1000, timeoutMs: 30_000, keepSession: false, insecure: false };

const VC_KINDS: DeviceKind[] = Object.keys(VSPHERE_RULES);

declare module '../../config/types.js' {
  interface SourceSections {
    vcenters: VcenterConfig[];
  }
}

/** Normalise the URL: http(s) only, no credentials in it, `/sdk` when no path is given. */
function sdkUrl(ctx: Ctx, node: YNode, path: string, raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(ctx, node, path, `"${raw}" is not a URL (example: https://vcenter.example.com/sdk)`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return fail(ctx, node, path, `"${raw}" must start with https:// (or http://)`);
  if (u.username || u.password) return fail(ctx, node, path, 'give the user in username and the password in password or password-file, not in the URL');
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/sdk';
  return u.toString();
}

export function vcenterEntry(ctx: Ctx, node: YNode, path: string, _defs: NetDefaults): VcenterConfig | undefined {
  const out: Partial<VcenterConfig> = { thresholds: {} };
  const raw: Record<string, YNode> = {};
  let insecureNode: YNode;
  let urlNode: YNode;
  const ok = fields(
    ctx,
    node,
    path,
    {
      name: (n, p) => (out.name = deviceName(ctx, n, p)),
      url: (n, p) => {
        urlNode = n;
        const v = str(ctx, n, p, { nonEmpty: true });
        if (v !== undefined) out.url = sdkUrl(ctx, n, p, v);
      },
      username: (n, p) => (out.username = str(ctx, n, p, { nonEmpty: true })),
      password: (n) => (raw.password = n),
      'password-file': (n) => (raw['password-file'] = n),
      'ca-file': (n, p) => (out.caFile = caFile(ctx, n, p)?.file),
      insecure: (n, p) => {
        insecureNode = n;
        out.insecure = bool(ctx, n, p);
      },
      'keep-session': (n, p) => (out.keepSession = bool(ctx, n, p)),
      'page-size': (n, p) => (out.pageSize = num(ctx, n, p, { integer: true, min: 1, max: 100_000 })),
      timeout: (n, p) => (out.timeoutMs = duration(ctx, n, p, { min: 100 }) ?? undefined),
      thresholds: (n, p) => {
        const t: ThresholdConfig = {};
        for (const e of entries(ctx, n, p)) {
          if (!(VC_KINDS as string[]).includes(e.key)) {
            fail(ctx, e.keyNode, join(p, e.key), `unknown device kind "${e.key}" for a vCenter; known kinds: ${VC_KINDS.join(', ')}`);
            continue;
          }
          t[e.key] = rulesBlock(ctx, e.value, join(p, e.key), e.key, VSPHERE_RULES[e.key]);
        }
        out.thresholds = t;
      },
    },
    ['name', 'url', 'username'],
  );
  if (!ok) return undefined;
  const password = secret(ctx, node, path, 'password', raw.password, raw['password-file']);
  if (out.insecure === true) {
    warn(ctx, insecureNode, join(path, 'insecure'), `TLS certificate of ${out.url ?? 'the vCenter'} is not verified: anyone on the path can read the password; prefer ca-file`);
    if (out.caFile) warn(ctx, insecureNode, join(path, 'insecure'), 'ca-file is ignored while insecure is true');
  }
  if (out.url?.startsWith('http:')) warn(ctx, urlNode, join(path, 'url'), 'plain http sends the password unencrypted');
  if (!out.name || !out.url || !out.username || password === undefined) return undefined;
  return {
    name: out.name,
    id: `vcenter/${out.name}`,
    url: out.url,
    username: out.username,
    password,
    caFile: out.caFile ?? null,
    insecure: out.insecure ?? VCENTER_DEFAULTS.insecure,
    keepSession: out.keepSession ?? VCENTER_DEFAULTS.keepSession,
    pageSize: out.pageSize ?? VCENTER_DEFAULTS.pageSize,
    timeoutMs: out.timeoutMs ?? VCENTER_DEFAULTS.timeoutMs,
    thresholds: out.thresholds ?? {},
  };
}

/** `vcenters:` — a list of vCenters, each name once. */
export function vcentersSection(ctx: Ctx, node: YNode, path: string, defs: NetDefaults): VcenterConfig[] {
  const out: VcenterConfig[] = [];
  namedList(ctx, node, path, 'vcenter', out, (item, q) => vcenterEntry(ctx, item, q, defs));
  return out;
}
