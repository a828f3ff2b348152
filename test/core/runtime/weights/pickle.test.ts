// The restricted unpickler on hand-built pickles: the opcodes a state dict uses give the values
// Python would, and every global outside the policy, every code-running opcode and every malformed
// stream is refused with one line, before anything is called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PickleDict, PickleGlobal, unpickle, WeightsError, type UnpicklePolicy } from '../../../../src/core/runtime/weights/index';
import { PROTO2, STOP, pk, u32, unicode } from './helpers';


const called: string[] = [];
const policy: UnpicklePolicy = {
  refusalHint: 'is not allowed in this test',
  resolveGlobal: (module, name) => (module === 'test' && name === 'pair' ? new PickleGlobal('test.pair', (args) => { called.push('pair'); return [...args]; }) : undefined),
  persistentLoad: (pid) => ({ persistent: pid }),
};
const run = (bytes: Uint8Array) => unpickle(bytes, policy, 'test.pkl');

function refused(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => run(bytes), (e: unknown) => {
    assert.ok(e instanceof WeightsError, String(e));
    assert.ok(!(e as Error).message.includes('\n'));
    assert.match((e as Error).message, pattern);
    return true;
  });
}

test('state dict opcodes build the values Python would', () => {
  const bytes = pk(
    PROTO2, '}', 'q', 0, '(',
    unicode('ints'), '(', 'K', 7, 'M', [0x34, 0x12], 'J', [0xff, 0xff, 0xff, 0xff], 0x8a, 2, [0x00, 0x80], 0x8a, 0, 't',
    unicode('float'), 'G', [0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
    unicode('flags'), 0x88, 0x89, 'N', 0x87,
    unicode('list'), ']', 'q', 1, 'K', 1, 'a', '(', 'K', 2, 'K', 3, 'e',
    unicode('short'), 0x8c, 2, 'hi',
    unicode('memo'), 'h', 1,
    unicode('tuples'), ')', 'K', 1, 0x85, 'K', 1, 'K', 2, 0x86, 0x87,
    unicode('call'), 'c', 'test\npair\n', 'K', 4, 'K', 5, 0x86, 'R',
    unicode('pid'), unicode('storage'), 'Q',
    'u', '}', unicode('_metadata'), 'K', 9, 's', 'b', STOP,
  );
  called.length = 0;
  const root = run(bytes);
  assert.ok(root instanceof PickleDict);
  assert.deepEqual(root.get('ints'), [7, 0x1234, -1, -32768, 0]);
  assert.equal(root.get('float'), 1.5);
  assert.deepEqual(root.get('flags'), [true, false, null]);
  assert.deepEqual(root.get('list'), [1, 2, 3]);
  assert.equal(root.get('memo'), root.get('list'), 'BINGET returns the same object');
  assert.equal(root.get('short'), 'hi');
  assert.deepEqual(root.get('tuples'), [[], [1], [1, 2]]);
  assert.ok(Object.isFrozen(root.get('tuples')), 'tuples are immutable');
  assert.deepEqual(root.get('call'), [4, 5]);
  assert.deepEqual(called, ['pair']);
  assert.deepEqual(root.get('pid'), { persistent: 'storage' });
  assert.deepEqual([...root.attributes!], [['_metadata', 9]], 'BUILD state kept apart from the items');
});

test('globals outside the policy are refused by name before anything runs', () => {
  for (const [module, name] of [['os', 'system'], ['posix', 'system'], ['builtins', 'eval'], ['__builtin__', 'getattr'], ['subprocess', 'Popen'], ['torch', 'load'], ['test', 'pair2']] as const) {
    refused(pk(PROTO2, 'c', `${module}\n${name}\n`, unicode('id'), 0x85, 'R', STOP), new RegExp(`^test\\.pkl: refers to ${module}\\.${name}, which is not allowed in this test; refusing to load it$`));
    // Protocol 4 names globals from the stack: the same policy applies.
    refused(pk(0x80, 4, 0x8c, module.length, module, 0x8c, name.length, name, 0x93, STOP), new RegExp(`refers to ${module}\\.${name}, which`));
  }
});

test('code-running and unknown opcodes are refused, not skipped', () => {
  for (const [op, label] of [[0x69, '69'], [0x6f, '6f'], [0x81, '81'], [0x92, '92'], [0x82, '82'], [0x42, '42']] as const) {
    refused(pk(PROTO2, op, 'anything\n', STOP), new RegExp(`pickle opcode 0x${label} at byte 2 is not one a state dict uses; refusing to load it$`));
  }
});

test('calling a stand-in that has no implementation, or a non-function, is refused', () => {
  const storagePolicy: UnpicklePolicy = { ...policy, resolveGlobal: (m, n) => new PickleGlobal(`${m}.${n}`) };
  assert.throws(() => unpickle(pk(PROTO2, 'c', 'torch\nFloatStorage\n', ')', 'R', STOP), storagePolicy, 't'), /calls something that is not an allowed function at byte \d+$/);
  refused(pk(PROTO2, 'K', 1, ')', 'R', STOP), /calls something that is not an allowed function/);
  refused(pk(PROTO2, 'c', 'test\npair\n', 'K', 1, 'R', STOP), /calls test\.pair without an argument tuple/);
});

test('malformed streams are refused with one line', () => {
  refused(pk(PROTO2, 'X', u32(1000), 'abc'), /pickle ends early at byte \d+: truncated or corrupt$/);
  refused(pk(PROTO2, '}'), /pickle ends early/);
  refused(pk(PROTO2, 'h', 3, STOP), /pickle reads memo 3, which was never stored$/);
  refused(pk(PROTO2, 'K', 1, 'K', 2, STOP), /pickle stops with a malformed stack$/);
  refused(pk(PROTO2, 't', STOP), /pickle has no MARK/);
  refused(pk(PROTO2, '(', 0x85, STOP), /pickle pops an empty stack/);
  refused(pk(PROTO2, ')', 'K', 1, 'a', STOP), /appends to something that is not a list/);
  refused(pk(PROTO2, ']', 'K', 1, 'K', 2, 's', STOP), /sets an item on something that is not a dict/);
  refused(pk(PROTO2, '}', ']', 'K', 1, 's', STOP), /unhashable dict key/);
  refused(pk(PROTO2, ']', '}', 'b', STOP), /BUILD of something other than a dict's attributes/);
  refused(pk(PROTO2, 0x8a, 9, Buffer.alloc(9, 0x7f), STOP), /pickle integer \d+ is out of range$/);
  refused(pk(PROTO2, 'X', u32(2), [0xff, 0xfe], STOP), /not valid UTF-8/);
  refused(pk(0x80, 9, STOP), /pickle protocol 9 is not supported$/);
});
