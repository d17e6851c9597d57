// etcd orders keys by their bytes. The keys that start with a prefix are [prefix, prefixEnd(prefix)): the
// prefix with its last byte below 0xff incremented (and what follows dropped). With no such byte, or an empty
// prefix, etcd's "\0" range end means "every key from the start key up".

export function prefixEnd(prefix: Uint8Array): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i]! += 1;
      return end;
    }
  }
  return Buffer.from([0]);
}
