// pytorch_model.bin as torch.save writes it since torch 1.6: a zip archive holding `<prefix>/data.pkl`
// (a pickle of the state dict) and one entry `<prefix>/data/<key>` per storage. Tensors in the
// pickle are `_rebuild_tensor_v2(storage, offset, size, stride, ...)` calls on storages named by
// persistent ids ('storage', storage type, key, location, numel). The pickle runs in the restricted
// unpickler: only those rebuild functions, the storage types and OrderedDict are allowed, as inert
// stand-ins implemented here. Views are honoured: names that share a storage (tied embeddings) read
// it once, and a contiguous view shares its memory.
import { assertFloatDtype, DTYPE_BYTES, toFloat32 } from './dtype';
import { WeightsError } from './errors';
import { PickleDict, PickleGlobal, unpickle, type UnpicklePolicy } from './pickle';
import { readRange, withFile, type OpenFile } from './read-file';
import { formatShape, shapeNumel, type StateDict, type Tensor } from './tensor';
import { readStoredEntry, readZipDirectory, type ZipEntry } from './zip';

/** torch storage classes, as persistent ids name them, and the element type each holds. */
const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  'torch.FloatStorage': 'F32', 'torch.HalfStorage': 'F16', 'torch.BFloat16Storage': 'BF16',
  'torch.DoubleStorage': 'F64', 'torch.LongStorage': 'I64', 'torch.IntStorage': 'I32', 'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8', 'torch.ByteStorage': 'U8', 'torch.BoolStorage': 'BOOL',
};

/** The pickle of a state dict is names and small tuples; far below this. */
const MAX_PICKLE_BYTES = 256 * 1024 * 1024;

export const LEGACY_FORMAT_MESSAGE =
  'unsupported format (legacy torch.save); re-save with torch ≥1.6 or convert to safetensors';

class StorageRef {
  constructor(readonly key: string, readonly dtype: string, readonly numel: number) {}
}

class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function intTuple(v: unknown, what: string, fail: (why: string) => never): number[] {
  if (!Array.isArray(v) || !v.every(isCount)) return fail(`${what} is not a tuple of non-negative integers`);
  return v as number[];
}

/** The stand-ins data.pkl may use, and how persistent ids become storages. */
function stateDictPolicy(fail: (why: string) => never): UnpicklePolicy {
  const storages = new Map<string, StorageRef>();
  const rebuild = (storage: unknown, offset: unknown, size: unknown, stride: unknown): TensorRef => {
    if (!(storage instanceof StorageRef)) return fail('a tensor is rebuilt from something that is not a storage');
    if (!isCount(offset)) return fail(`a tensor has an invalid storage offset ${String(offset)}`);
    const shape = intTuple(size, 'a tensor size', fail);
    const strides = intTuple(stride, 'a tensor stride', fail);
    if (strides.length !== shape.length) fail(`a tensor has ${shape.length} sizes but ${strides.length} strides`);
    return new TensorRef(storage, offset, shape, strides);
  };
  const functions: Record<string, (args: readonly unknown[]) => unknown> = {
    'collections.OrderedDict': (args) => {
      if (args.length !== 0) fail('OrderedDict is called with arguments');
      return new PickleDict();
    },
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    'torch._utils._rebuild_tensor_v2': (args) => {
      if (args.length < 6 || args.length > 7) fail(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
      return rebuild(args[0], args[1], args[2], args[3]);
    },
    'torch._utils._rebuild_tensor': (args) => {
      if (args.length !== 4) fail(`_rebuild_tensor takes 4 arguments, got ${args.length}`);
      return rebuild(args[0], args[1], args[2], args[3]);
    },
    // (data, requires_grad, backward_hooks): a Parameter is its data here.
    'torch._utils._rebuild_parameter': (args) => {
      if (args.length !== 3 || !(args[0] instanceof TensorRef)) fail('_rebuild_parameter is not called on a tensor');
      return args[0];
    },
  };
  return {
    refusalHint: 'is not a tensor, a storage type or an OrderedDict (all a state dict needs)',
    resolveGlobal(module, name) {
      const qualified = `${module}.${name}`;
      if (qualified in STORAGE_DTYPES) return new PickleGlobal(qualified);
      const fn = functions[qualified];
      return fn ? new PickleGlobal(qualified, fn) : undefined;
    },
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length !== 5) return fail('a persistent id is not a storage reference');
      const [, type, key, , numel] = pid as unknown[];
      if (!(type instanceof PickleGlobal) || !(type.qualifiedName in STORAGE_DTYPES)) return fail('a storage reference has no storage type');
      if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(key)) return fail(`storage key ${JSON.stringify(key)} is not a plain name`);
      if (!isCount(numel)) return fail(`storage ${key} has an invalid size`);
      const dtype = STORAGE_DTYPES[type.qualifiedName]!;
      const known = storages.get(key);
      if (known && (known.dtype !== dtype || known.numel !== numel)) fail(`storage ${key} is referenced with two different types or sizes`);
      const ref = known ?? new StorageRef(key, dtype, numel);
      storages.set(key, ref);
      return ref;
    },
  };
}

/** The one `<prefix>/data.pkl` of the archive, and its prefix. */
function findPickle(entries: ReadonlyMap<string, ZipEntry>, path: string): { prefix: string; entry: ZipEntry } {
  const found = [...entries.values()].filter((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (found.length !== 1) {
    throw new WeightsError(`${path}: ${found.length === 0 ? 'no <name>/data.pkl' : 'several <name>/data.pkl entries'} in the zip: not a torch.save checkpoint`);
  }
  return { prefix: found[0]!.name.slice(0, -'/data.pkl'.length), entry: found[0]! };
}

/** Row-major float32 values of a view: the storage's own memory when the view is contiguous. */
function materialize(ref: TensorRef, storage: Float32Array, name: string, fail: (why: string) => never): Float32Array {
  const numel = shapeNumel(ref.shape, ref.storage.numel) ?? fail(`tensor ${name} of shape ${formatShape(ref.shape)} has more values than its storage ${ref.storage.key} (${ref.storage.numel})`);
  if (numel === 0) return new Float32Array(0);
  let last = ref.offset;
  for (let d = 0; d < ref.shape.length; d++) last += (ref.shape[d]! - 1) * ref.stride[d]!;
  if (last >= ref.storage.numel) {
    fail(`tensor ${name} (offset ${ref.offset}, shape ${formatShape(ref.shape)}, stride ${formatShape(ref.stride)}) reaches past its storage ${ref.storage.key} (${ref.storage.numel} values)`);
  }
  let contiguous = true;
  for (let d = ref.shape.length - 1, expect = 1; d >= 0; d--) {
    if (ref.shape[d]! !== 1 && ref.stride[d]! !== expect) contiguous = false;
    expect *= ref.shape[d]!;
  }
  if (contiguous) return storage.subarray(ref.offset, ref.offset + numel);
  const out = new Float32Array(numel);
  const index = new Array<number>(ref.shape.length).fill(0);
  let src = ref.offset;
  for (let i = 0; i < numel; i++) {
    out[i] = storage[src]!;
    // Odometer over the dimensions, last fastest.
    for (let d = ref.shape.length - 1; d >= 0; d--) {
      if (++index[d]! < ref.shape[d]!) {
        src += ref.stride[d]!;
        break;
      }
      src -= (ref.shape[d]! - 1) * ref.stride[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function readArchive(file: OpenFile): StateDict {
  const path = file.path;
  const entries = readZipDirectory(file);
  const { prefix, entry: pickleEntry } = findPickle(entries, path);
  const fail = (why: string): never => {
    throw new WeightsError(`${path} (${prefix}/data.pkl): ${why}`);
  };
  const byteorder = entries.get(`${prefix}/byteorder`);
  if (byteorder) {
    const order = Buffer.from(readStoredEntry(file, byteorder)).toString('latin1');
    if (order !== 'little') throw new WeightsError(`${path}: the checkpoint was saved ${order}-endian; only little-endian checkpoints are supported`);
  }
  if (pickleEntry.size > MAX_PICKLE_BYTES) fail(`${pickleEntry.size} bytes is too large for a state dict pickle`);
  const root = unpickle(readStoredEntry(file, pickleEntry), stateDictPolicy(fail), `${path} (${prefix}/data.pkl)`);
  if (!(root instanceof PickleDict)) return fail('the pickle is not a dict of tensors');

  const storages = new Map<string, Float32Array>();
  let storageBytes = 0;
  const storageData = (ref: StorageRef, tensorName: string): Float32Array => {
    const cached = storages.get(ref.key);
    if (cached) return cached;
    assertFloatDtype(ref.dtype, `${path}: tensor ${tensorName}`);
    const name = `${prefix}/data/${ref.key}`;
    const entry = entries.get(name) ?? fail(`storage ${ref.key} has no zip entry ${name}`);
    const bytes = ref.numel * DTYPE_BYTES[ref.dtype]!;
    if (entry.size < bytes) fail(`storage ${ref.key} holds ${entry.size} bytes, less than its ${ref.numel} ${ref.dtype} values need`);
    // Real archives store each storage once; entries pointing at the same bytes again would let a
    // small file claim unbounded memory.
    storageBytes += entry.size;
    if (storageBytes > file.size) fail('storages add up to more bytes than the file holds');
    const data = toFloat32(readStoredEntry(file, entry), ref.dtype, ref.numel, `${path}: tensor ${tensorName}`);
    storages.set(ref.key, data);
    return data;
  };

  const out = new Map<string, Tensor>();
  for (const [name, value] of root) {
    if (typeof name !== 'string') fail(`the state dict has a key that is not a string (${String(name)})`);
    if (!(value instanceof TensorRef)) return fail(`state dict entry ${String(name)} is not a tensor`);
    const data = materialize(value, storageData(value.storage, name as string), name as string, fail);
    out.set(name as string, { dtype: value.storage.dtype as Tensor['dtype'], shape: value.shape, data });
  }
  return out;
}

/** Every tensor of a torch.save zip checkpoint (pytorch_model.bin), converted to float32. */
export function readTorchZip(path: string): StateDict {
  return withFile(path, (file) => {
    const magic = readRange(file, 0, Math.min(4, file.size));
    if (magic[0] === 0x50 && magic[1] === 0x4b) return readArchive(file);
    if (magic[0] === 0x80) throw new WeightsError(`${path}: ${LEGACY_FORMAT_MESSAGE}`);
    throw new WeightsError(`${path} is not a PyTorch checkpoint (neither a torch.save zip nor a pickle)`);
  });
}
