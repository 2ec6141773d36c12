// One inventory read per poll: a ContainerView over the root folder for hosts, VMs and datastores, and
// one RetrievePropertiesEx for all of them (plus the performance counter catalogue, so that counter
// ids are looked up by name without another round trip), following the token with
// ContinueRetrievePropertiesEx. Round trips grow with pages only, never with the number of objects.
import { compactPropertySet, toArray, toPropertySet, DATASTORE_PROPS, HOST_BASE_PROPS, HOST_PROPS, VM_PROPS, type PropertySet } from './map.js';
import { VcenterError, type Mor, type VimSession } from '../../protocols/soap/session.js';

export interface InventoryWanted {
  hosts: boolean;
  vms: boolean;
  datastores: boolean;
  /** Read PerformanceManager.perfCounter in the same call. */
  counters: boolean;
}

export interface Inventory {
  sets: PropertySet[];
  /** PerformanceManager.perfCounter (raw), when asked for. */
  perfCounter: unknown;
  pages: number;
}

/** A TraversalSpec inside selectSet needs its xsi type spelled out; children in schema order. */
function traversal(name: string, type: string, path: string): Record<string, unknown> {
  return { attributes: { xsi_type: { type: 'TraversalSpec', xmlns: 'urn:vim25' } }, name, type, path, skip: false };
}

export function inventorySpec(view: Mor, perfManager: Mor, want: InventoryWanted): Record<string, unknown> {
  const propSet: Array<Record<string, unknown>> = [];
  // hosts are always read: VMs need their power and connection state for blockedBy
  propSet.push({ type: 'HostSystem', pathSet: want.hosts ? HOST_PROPS : HOST_BASE_PROPS });
  if (want.vms) propSet.push({ type: 'VirtualMachine', pathSet: VM_PROPS });
  if (want.datastores) propSet.push({ type: 'Datastore', pathSet: DATASTORE_PROPS });
  const objectSet: Array<Record<string, unknown>> = [{ obj: view, skip: true, selectSet: [traversal('view', 'ContainerView', 'view')] }];
  if (want.counters) {
    propSet.push({ type: 'PerformanceManager', pathSet: ['perfCounter'] });
    objectSet.push({ obj: perfManager, skip: false });
  }
  // schema order: propSet, objectSet, reportMissingObjectsInResults
  return { propSet, objectSet };
}

export function viewTypes(want: InventoryWanted): string[] {
  return ['HostSystem', ...(want.vms ? ['VirtualMachine'] : []), ...(want.datastores ? ['Datastore'] : [])];
}

interface RetrieveResult {
  token?: unknown;
  objects?: unknown;
}

/** One page of a (Continue)RetrievePropertiesEx answer into `sets`; the token of the next page, or null on the last (exported for the bad-input corpus). */
export function collect(result: RetrieveResult | undefined, sets: PropertySet[], state: { perfCounter: unknown }): string | null {
  if (!result) return null;
  for (const oc of toArray(result.objects)) {
    const ps = toPropertySet(oc);
    if (!ps) continue;
    // Real vCenter faults without a session; the simulator answers with every property missing.
    const auth = ps.missing.find((m) => m.fault === 'NotAuthenticated');
    if (auth) throw new VcenterError('session not authenticated (expired or logged out)', 'NotAuthenticated');
    if (ps.type === 'PerformanceManager') {
      state.perfCounter = ps.props.perfCounter;
      continue;
    }
    sets.push(compactPropertySet(ps));
  }
  const token = typeof result.token === 'string' ? result.token : typeof (result.token as { $value?: unknown })?.$value === 'string' ? (result.token as { $value: string }).$value : null;
  return token || null;
}

/**
 * Read the inventory. The view is destroyed at the end when the session stays open (keep-session);
 * otherwise Logout, which follows at once, releases it with the session — one round trip less.
 */
export async function readInventory(s: VimSession, want: InventoryWanted, onPage?: (pages: number) => void): Promise<Inventory> {
  const c = s.content;
  const viewRes = await s.call<{ returnval?: Mor }>('CreateContainerView', { _this: c.viewManager, container: c.rootFolder, type: viewTypes(want), recursive: true });
  const view = viewRes.returnval;
  if (!view) throw new VcenterError('CreateContainerView returned no view');
  try {
    const sets: PropertySet[] = [];
    const state = { perfCounter: undefined as unknown };
    let pages = 1;
    const first = await s.call<{ returnval?: RetrieveResult }>('RetrievePropertiesEx', {
      _this: c.propertyCollector,
      specSet: [inventorySpec(view, c.perfManager, want)],
      options: { maxObjects: s.vc.pageSize },
    });
    let token = collect(first.returnval, sets, state);
    onPage?.(pages);
    while (token) {
      pages++;
      const next = await s.call<{ returnval?: RetrieveResult }>('ContinueRetrievePropertiesEx', { _this: c.propertyCollector, token });
      token = collect(next.returnval, sets, state);
      onPage?.(pages);
    }
    return { sets, perfCounter: state.perfCounter, pages };
  } finally {
    if (s.vc.keepSession) {
      await s.call('DestroyView', { _this: view }).catch(() => undefined);
    }
  }
}
