// The YAML node type guards, without loading the YAML library (38 ms of every `status`): the parsers of
// the config sections are imported with the sources, which every command loads, while only a full parse
// (config/load.ts) needs the library itself. yaml marks its nodes with registered symbols
// (`Symbol.for('yaml.node.type')`), so that nodes from another copy of the library are recognised too;
// these guards read the same marks. test/unit/yaml-nodes.test.mjs checks them against yaml's own.
import type { Scalar, YAMLMap, YAMLSeq } from 'yaml';

const NODE_TYPE = Symbol.for('yaml.node.type');
const MAP = Symbol.for('yaml.map');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');

const typeOf = (node: unknown): unknown => (node && typeof node === 'object' ? (node as Record<symbol, unknown>)[NODE_TYPE] : undefined);

export const isMap = (node: unknown): node is YAMLMap<unknown, unknown> => typeOf(node) === MAP;
export const isScalar = (node: unknown): node is Scalar<unknown> => typeOf(node) === SCALAR;
export const isSeq = (node: unknown): node is YAMLSeq<unknown> => typeOf(node) === SEQ;
