package io.spooky.ivm;

import io.spooky.core.encoding.CanonicalEncoding;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The binary snapshot of a {@link ViewRegistry}: the source tables, and per shared computation its
 * SurrealQL, parameters, view ids and operator state (evaluated rows or group inputs, and what each
 * row read). Restoring does not re-evaluate any row.
 *
 * <p>Layout (big-endian; {@code bytes} = u32 length + that many bytes; {@code value} = bytes of the
 * value's canonical encoding, PROTOCOL.md section 1; {@code str} = Java modified UTF-8):
 *
 * <pre>
 * magic "SPKYIVM1"
 * u32 records,   records × value (each record holds its id)
 * u32 instances, instances × {
 *     str surql, value params (object),
 *     u32 views, views × str viewId,
 *     u32 rows,  rows × (value id, value row-or-group-inputs),
 *     u32 deps,  deps × (value baseId, u32 n, n × value readId, u32 m, m × str table) }
 * u64 CRC32 of every preceding byte
 * </pre>
 */
final class RegistrySnapshot {
  private static final byte[] MAGIC = "SPKYIVM1".getBytes(StandardCharsets.US_ASCII);

  /** One shared computation as stored. */
  record Instance(
      String surql,
      Map<String, Value> params,
      List<String> viewIds,
      List<Map.Entry<RecordId, Value>> rows,
      Map<RecordId, RowSource.RowReads> deps) {}

  private RegistrySnapshot() {}

  static byte[] write(Map<RecordId, Value> records, List<Instance> instances) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeInt(records.size());
      for (Value v : records.values()) {
        value(out, v);
      }
      out.writeInt(instances.size());
      for (Instance i : instances) {
        out.writeUTF(i.surql());
        value(out, ObjectValue.of(i.params()));
        out.writeInt(i.viewIds().size());
        for (String id : i.viewIds()) {
          out.writeUTF(id);
        }
        out.writeInt(i.rows().size());
        for (Map.Entry<RecordId, Value> row : i.rows()) {
          value(out, row.getKey());
          value(out, row.getValue());
        }
        out.writeInt(i.deps().size());
        for (var d : i.deps().entrySet()) {
          value(out, d.getKey());
          out.writeInt(d.getValue().ids().size());
          for (RecordId r : d.getValue().ids()) {
            value(out, r);
          }
          out.writeInt(d.getValue().tables().size());
          for (String t : d.getValue().tables()) {
            out.writeUTF(t);
          }
        }
      }
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  /** The parsed snapshot: records and instances. */
  record Contents(List<Value> records, List<Instance> instances) {}

  static Contents read(byte[] data) throws CorruptSnapshotException {
    if (data.length < MAGIC.length + 8
        || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
      throw new CorruptSnapshotException("not a view registry snapshot (bad magic)");
    }
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length - 8);
    long stored = 0;
    for (int i = data.length - 8; i < data.length; i++) {
      stored = (stored << 8) | (data[i] & 0xFF);
    }
    if (stored != crc.getValue()) {
      throw new CorruptSnapshotException("view registry snapshot checksum mismatch");
    }
    try {
      DataInputStream in =
          new DataInputStream(
              new ByteArrayInputStream(data, MAGIC.length, data.length - 8 - MAGIC.length));
      int n = in.readInt();
      List<Value> records = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        records.add(value(in));
      }
      int instances = in.readInt();
      List<Instance> out = new ArrayList<>(instances);
      for (int i = 0; i < instances; i++) {
        String surql = in.readUTF();
        Map<String, Value> params = ((ObjectValue) value(in)).fields();
        int views = in.readInt();
        List<String> ids = new ArrayList<>(views);
        for (int v = 0; v < views; v++) {
          ids.add(in.readUTF());
        }
        int rows = in.readInt();
        List<Map.Entry<RecordId, Value>> rowList = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
          rowList.add(Map.entry((RecordId) value(in), value(in)));
        }
        int deps = in.readInt();
        Map<RecordId, RowSource.RowReads> depMap = new HashMap<>();
        for (int d = 0; d < deps; d++) {
          RecordId base = (RecordId) value(in);
          int k = in.readInt();
          Set<RecordId> read = new HashSet<>();
          for (int j = 0; j < k; j++) {
            read.add((RecordId) value(in));
          }
          int m = in.readInt();
          Set<String> tables = new HashSet<>();
          for (int j = 0; j < m; j++) {
            tables.add(in.readUTF());
          }
          depMap.put(base, new RowSource.RowReads(read, tables));
        }
        out.add(new Instance(surql, Map.copyOf(params), ids, rowList, depMap));
      }
      return new Contents(records, out);
    } catch (IOException | RuntimeException e) {
      throw new CorruptSnapshotException("view registry snapshot is malformed: " + e, e);
    }
  }

  private static void value(DataOutputStream out, Value v) throws IOException {
    byte[] b = CanonicalEncoding.encode(v);
    out.writeInt(b.length);
    out.write(b);
  }

  private static Value value(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new IOException("value length " + len + " exceeds the snapshot");
    }
    byte[] b = in.readNBytes(len);
    return CanonicalEncoding.decode(b);
  }
}
