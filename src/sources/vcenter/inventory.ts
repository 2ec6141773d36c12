// One inventory read per poll: a ContainerView over the root folder for hosts, VMs and datastores, and
// one RetrievePropertiesEx for all of them (plus the performance counter catalogue, so that counter
// ids are looked up by name without another round trip), following the token with
// ContinueRetrievePropertiesEx. Round trips grow with pages only, never with the number of objects.
// Pages are pipelined (VimSession.retrieve): while one page is read here, vCenter prepares the next.
// Each object is compacted as soon as it is read (map.ts compactObject): what a poll holds between
// pages is the readings-to-be, never a page's property tree.
import { compactObject, counterIndex, DATASTORE_PROPS, HOST_BASE_PROPS, HOST_PROPS, VM_PROPS, type InventoryObject } from './map.js';
import { VcenterError, type VimSession } from '../../protocols/soap/session.js';
import { el, morEl, type Mor } from '../../protocols/soap/envelope.js';
import { readRetrievePage, XmlError } from '../../protocols/soap/scan.js';

export interface InventoryWanted {
  hosts: boolean;
  vms: boolean;
  datastores: boolean;
  /** Read PerformanceManager.perfCounter in the same call. */
  counters: boolean;
}

export interface Inventory {
  objects: InventoryObject[];
  /** "group.name.rollup" → counter id, from PerformanceManager.perfCounter (empty when not asked for). */
  counters: Map<string, number>;
  pages: number;
}

function propSpec(type: string, paths: string[]): string {
  // schema order: type, all, pathSet
  return `<propSet>${el('type', type)}${paths.map((p) => el('pathSet', p)).join('')}</propSet>`;
}

/**
 * The PropertyFilterSpec (`<specSet>`), in schema order: propSet, objectSet (obj, skip, selectSet).
 * A TraversalSpec inside selectSet needs its xsi type spelled out; its children in schema order
 * (name, type, path, skip).
 */
export function inventorySpec(view: Mor, perfManager: Mor, want: InventoryWanted): string {
  let props = '';
  // hosts are always read: VMs need their power and connection state for blockedBy
  props += propSpec('HostSystem', want.hosts ? HOST_PROPS : HOST_BASE_PROPS);
  if (want.vms) props += propSpec('VirtualMachine', VM_PROPS);
  if (want.datastores) props += propSpec('Datastore', DATASTORE_PROPS);
  if (want.counters) props += propSpec('PerformanceManager', ['perfCounter']);
  const traversal = `<selectSet xsi:type="vim25:TraversalSpec">${el('name', 'view')}${el('type', 'ContainerView')}${el('path', 'view')}${el('skip', false)}</selectSet>`;
  let objects = `<objectSet>${morEl('obj', view)}${el('skip', true)}${traversal}</objectSet>`;
  if (want.counters) objects += `<objectSet>${morEl('obj', perfManager)}${el('skip', false)}</objectSet>`;
  return `<specSet>${props}${objects}</specSet>`;
}

export function viewTypes(want: InventoryWanted): string[] {
  return ['HostSystem', ...(want.vms ? ['VirtualMachine'] : []), ...(want.datastores ? ['Datastore'] : [])];
}

/**
 * Reads pages into compact objects. `read()` takes one page's text and returns its token (null on the
 * last page); exported for the bad-input corpus.
 */
export function pageReader(vcenter: string): { read(xml: string): string | null; objects: InventoryObject[]; counters: Map<string, number> } {
  const out = { objects: [] as InventoryObject[], counters: new Map<string, number>(), read };
  function read(xml: string): string | null {
    return readRetrievePage(xml, (oc) => {
      // Real vCenter faults without a session; the simulator answers with every property missing.
      for (const m of oc.missing) if (m.fault === 'NotAuthenticated') throw new VcenterError('session not authenticated (expired or logged out)', 'NotAuthenticated');
      if (oc.type === 'PerformanceManager') {
        out.counters = counterIndex(oc.props.perfCounter);
        return;
      }
      const o = compactObject(oc, vcenter);
      if (o) out.objects.push(o);
    });
  }
  return out;
}

/**
 * Read the inventory. The view is destroyed at the end when the session stays open (keep-session);
 * otherwise Logout, which follows at once, releases it with the session — one round trip less.
 */
export async function readInventory(s: VimSession, want: InventoryWanted, vcenter: string, onPage?: (pages: number) => void): Promise<Inventory> {
  const c = s.content;
  const types = viewTypes(want).map((t) => el('type', t)).join('');
  const view = (await s.call('CreateContainerView', c.viewManager, `${morEl('container', c.rootFolder)}${types}${el('recursive', true)}`)) as Mor | string | undefined;
  if (!view || typeof view !== 'object' || !view.$value) throw new VcenterError('CreateContainerView returned no view');
  const viewRef: Mor = { attributes: { type: String(view.attributes?.type ?? 'ContainerView') }, $value: view.$value };
  try {
    const reader = pageReader(vcenter);
    const pages = await s.retrieve(inventorySpec(viewRef, c.perfManager, want), s.vc.pageSize, (xml, page) => {
      let token: string | null;
      try {
        token = reader.read(xml);
      } catch (e) {
        if (e instanceof XmlError) throw new VcenterError(`malformed inventory page ${page} from ${new URL(s.vc.url).host}: ${e.message}`, null, { cause: e });
        throw e;
      }
      onPage?.(page);
      return token;
    });
    return { objects: reader.objects, counters: reader.counters, pages };
  } finally {
    if (s.vc.keepSession) {
      await s.call('DestroyView', viewRef).catch(() => undefined);
    }
  }
}
