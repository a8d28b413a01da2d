"""PyTorch's file formats, written without PyTorch.

The torch wheel is too big for CI, so this module writes what
`torch.save` writes, following `torch/serialization.py` (`_save`,
`_legacy_save`) and `torch/_tensor.py` (`Tensor.__reduce_ex__`): the pickle
names the same globals (`torch._utils._rebuild_tensor_v2`,
`torch.FloatStorage`, `collections.OrderedDict`, ...) through stand-in
modules registered under torch's names, storages are persistent ids
`('storage', storage_type, key, location, numel)`, and the archive has the
same members in the same order (`archive/data.pkl`, `archive/byteorder`,
`archive/data/0`, ..., `archive/version`, `archive/.data/serialization_id`),
stored uncompressed. The legacy format is five pickles (magic number,
protocol version, system information, the object, the sorted storage
keys) followed by each storage as an int64 element count and raw bytes.
"""
import collections
import io
import pickle
import struct
import sys
import types
import zipfile

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


def _module(name):
    mod = sys.modules.get(name)
    if mod is None:
        mod = types.ModuleType(name)
        sys.modules[name] = mod
    return mod


def _install():
    """Stand-ins under torch's names, so pickle writes torch's globals."""
    torch = _module("torch")
    utils = _module("torch._utils")
    torch._utils = utils

    def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
        raise RuntimeError("a stand-in: never loaded")

    def _rebuild_parameter(data, requires_grad, backward_hooks):
        raise RuntimeError("a stand-in: never loaded")

    for f in (_rebuild_tensor_v2, _rebuild_parameter):
        f.__module__ = "torch._utils"
        f.__qualname__ = f.__name__
        setattr(utils, f.__name__, f)
    storages = {}
    for name, size, fmt in [
        ("FloatStorage", 4, "f"),
        ("DoubleStorage", 8, "d"),
        ("LongStorage", 8, "q"),
        ("HalfStorage", 2, "e"),
        ("BoolStorage", 1, "?"),
    ]:
        cls = type(name, (), {"__module__": "torch", "element_size": size, "fmt": fmt})
        setattr(torch, name, cls)
        storages[name] = cls
    size_cls = type("Size", (tuple,), {"__module__": "torch", "__reduce__": lambda self: (size_cls, (tuple(self),))})
    torch.Size = size_cls
    dtype = type("dtype", (), {"__module__": "torch", "__reduce__": lambda self: self.name})
    for name in ("float32", "int64"):
        d = dtype()
        d.name = name
        setattr(torch, name, d)
    return torch, utils, storages


TORCH, UTILS, STORAGES = _install()


class Storage:
    def __init__(self, kind, values):
        self.kind = STORAGES[kind]
        self.values = list(values)

    def data(self):
        return struct.pack("<%d%s" % (len(self.values), self.kind.fmt), *self.values)


class Tensor:
    """Pickles as `Tensor.__reduce_ex__` does for a dense CPU tensor."""

    def __init__(self, kind, values, shape, requires_grad=False):
        self.storage = Storage(kind, values)
        self.shape = tuple(shape)
        self.requires_grad = requires_grad

    def stride(self):
        strides, acc = [], 1
        for n in reversed(self.shape):
            strides.append(acc)
            acc *= n
        return tuple(reversed(strides))

    def __reduce_ex__(self, proto):
        args = (self.storage, 0, TORCH.Size(self.shape), self.stride(), self.requires_grad, collections.OrderedDict())
        return (UTILS._rebuild_tensor_v2, args)


class Parameter(Tensor):
    def __reduce_ex__(self, proto):
        data = Tensor.__new__(Tensor)
        data.__dict__.update(self.__dict__)
        return (UTILS._rebuild_parameter, (data, self.requires_grad, collections.OrderedDict()))


def state_dict(entries):
    """An OrderedDict with `_metadata`, as `Module.state_dict()` returns."""
    sd = collections.OrderedDict(entries)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def _pickle(obj, legacy, protocol=2):
    keys = {}

    def persistent_id(o):
        if isinstance(o, Storage):
            key = keys.setdefault(id(o), (str(len(keys)), o))[0]
            pid = ("storage", o.kind, key, "cpu", len(o.values))
            return pid + (None,) if legacy else pid
        return None

    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=protocol)
    p.persistent_id = persistent_id
    p.dump(obj)
    return buf.getvalue(), sorted(keys.values(), key=lambda kv: kv[0])


def save(obj, prefix="archive", protocol=2, name_data="data.pkl"):
    """The bytes `torch.save(obj, f)` writes (the zip format)."""
    data, storages = _pickle(obj, legacy=False, protocol=protocol)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{prefix}/{name_data}", data)
        z.writestr(f"{prefix}/byteorder", "little")
        for key, storage in storages:
            z.writestr(f"{prefix}/data/{key}", storage.data())
        z.writestr(f"{prefix}/version", "3\n")
        z.writestr(f"{prefix}/.data/serialization_id", "0123456789012345678901234567890123456789")
    return out.getvalue()


def corrupt(archive, bad_crc=False, flag=0):
    """`archive` as variants PyTorch still loads: the first member's CRC
    wrong, or general-purpose `flag` bits set (in the local header and the
    central directory)."""
    raw = bytearray(archive)
    if bad_crc:
        # The CRC sits at byte 14 of the local header and 16 of the entry.
        raw[14] ^= 0xFF
        cd = raw.find(b"PK\x01\x02")
        raw[cd + 16] ^= 0xFF
    if flag:
        raw[6] |= flag
        cd = raw.find(b"PK\x01\x02")
        while cd >= 0:
            raw[cd + 8] |= flag
            cd = raw.find(b"PK\x01\x02", cd + 4)
    return bytes(raw)


def save_legacy(obj, protocol=2):
    """The bytes `torch.save(obj, f, _use_new_zipfile_serialization=False)` writes."""
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}
    out = io.BytesIO()
    for value in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        pickle.dump(value, out, protocol=protocol)
    data, storages = _pickle(obj, legacy=True, protocol=protocol)
    out.write(data)
    pickle.dump([key for key, _ in storages], out, protocol=protocol)
    for _, storage in storages:
        out.write(struct.pack("<q", len(storage.values)))
        out.write(storage.data())
    return out.getvalue()
