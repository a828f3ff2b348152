// A restricted unpickler: the stack machine of Python's pickle, for the opcodes a torch.save state
// dict uses (protocol 2, plus the few protocol 4 adds), and nothing that can run code. A pickle can
// only call what its GLOBAL opcodes name; here every global goes through the caller's `resolveGlobal`,
// which returns an inert stand-in for the handful a state dict needs and refuses the rest by name.
// Nothing from the file is ever executed or looked up dynamically.
import { WeightsError } from './errors';

/** A global the caller allows: a stand-in with an optional implementation for REDUCE. */
export class PickleGlobal {
  constructor(
    readonly qualifiedName: string,
    readonly call?: (args: readonly unknown[]) => unknown,
  ) {}
}

/** A Python dict (or OrderedDict); `attributes` holds BUILD state such as a state dict's `_metadata`. */
export class PickleDict extends Map<unknown, unknown> {
  attributes?: PickleDict;
}

export interface UnpicklePolicy {
  /** The stand-in for `module.name`, or undefined to refuse it. */
  resolveGlobal(module: string, name: string): PickleGlobal | undefined;
  /** The object a persistent id (BINPERSID) stands for. */
  persistentLoad(pid: unknown): unknown;
  /** Words for the refusal of a global, after "refers to X, which ...". */
  readonly refusalHint: string;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Runs `data` under `policy` and returns what STOP leaves. `source` prefixes every message. */
export function unpickle(data: Uint8Array, policy: UnpicklePolicy, source: string): unknown {
  const fail = (why: string): never => {
    throw new WeightsError(`${source}: ${why}`);
  };
  let pos = 0;
  const need = (n: number): number => {
    if (pos + n > data.length) fail(`pickle ends early at byte ${pos}: truncated or corrupt`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => data[need(1)]!;
  const u16 = () => { const at = need(2); return data[at]! | (data[at + 1]! << 8); };
  const u32 = () => { const at = need(4); return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0; };
  const i32 = () => u32() | 0;
  const bytes = (n: number) => { const at = need(n); return data.subarray(at, at + n); };
  const text = (n: number): string => {
    const raw = bytes(n);
    try {
      return utf8.decode(raw);
    } catch {
      return fail(`pickle holds a string that is not valid UTF-8 near byte ${pos}`);
    }
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail(`pickle ends inside a GLOBAL at byte ${pos}`);
    const s = latin1.decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };

  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!)) fail(`pickle pops an empty stack at byte ${pos}`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!)) fail(`pickle reads an empty stack at byte ${pos}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const at = marks.pop();
    if (at === undefined) return fail(`pickle has no MARK for the opcode at byte ${pos - 1}`);
    return stack.splice(at);
  };
  const tuple = (items: unknown[]): readonly unknown[] => Object.freeze(items);
  const list = (v: unknown): unknown[] => {
    if (!Array.isArray(v) || Object.isFrozen(v)) return fail(`pickle appends to something that is not a list at byte ${pos - 1}`);
    return v;
  };
  const dict = (v: unknown): PickleDict => (v instanceof PickleDict ? v : fail(`pickle sets an item on something that is not a dict at byte ${pos - 1}`));
  const setItems = (d: PickleDict, items: unknown[]): void => {
    if (items.length % 2 !== 0) fail(`pickle SETITEMS with an odd number of values at byte ${pos - 1}`);
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      if (key !== null && !['string', 'number', 'boolean', 'bigint'].includes(typeof key)) fail(`pickle uses an unhashable dict key at byte ${pos - 1}`);
      d.set(key, items[i + 1]);
    }
  };
  const global = (module: string, name: string): PickleGlobal =>
    policy.resolveGlobal(module, name) ?? fail(`refers to ${module}.${name}, which ${policy.refusalHint}; refusing to load it`);
  const memoGet = (key: number): unknown => (memo.has(key) ? memo.get(key) : fail(`pickle reads memo ${key}, which was never stored`));

  for (;;) {
    const opAt = pos;
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const proto = u8();
        if (proto > 5) fail(`pickle protocol ${proto} is not supported`);
        break;
      }
      case 0x95: need(8); break; // FRAME: a length hint only
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length !== 0) fail('pickle stops with a malformed stack');
        return stack[0];
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x7d: stack.push(new PickleDict()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: stack.push(long1(bytes(u8()), fail)); break; // LONG1
      case 0x47: { // BINFLOAT (big-endian double)
        const at = need(8);
        stack.push(new DataView(data.buffer, data.byteOffset + at, 8).getFloat64(0, false));
        break;
      }
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x74: stack.push(tuple(popMark())); break; // TUPLE
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; } // TUPLE3
      case 0x61: { const v = pop(); list(top()).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); list(top()).push(...items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(dict(top()), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(dict(top()), items); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x63: { const module = line(); stack.push(global(module, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail(`pickle STACK_GLOBAL without names at byte ${opAt}`);
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x51: stack.push(policy.persistentLoad(pop())); break; // BINPERSID
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        if (!(fn instanceof PickleGlobal) || !fn.call) fail(`pickle calls something that is not an allowed function at byte ${opAt}`);
        if (!Array.isArray(args)) fail(`pickle calls ${(fn as PickleGlobal).qualifiedName} without an argument tuple at byte ${opAt}`);
        stack.push((fn as PickleGlobal).call!(args as unknown[]));
        break;
      }
      case 0x62: { // BUILD: only a dict's attribute state (an OrderedDict's _metadata) is accepted
        const state = pop();
        const target = top();
        if (!(target instanceof PickleDict) || !(state instanceof PickleDict)) fail(`pickle BUILD of something other than a dict's attributes at byte ${opAt}`);
        (target as PickleDict).attributes = state as PickleDict;
        break;
      }
      default:
        fail(`pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${opAt} is not one a state dict uses; refusing to load it`);
    }
  }
}

/** LONG1: a little-endian two's complement integer of n bytes, as a number when it is safe. */
function long1(b: Uint8Array, fail: (why: string) => never): number {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`pickle integer ${v} is out of range`);
  return Number(v);
}
