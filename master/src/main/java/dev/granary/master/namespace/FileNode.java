package dev.granary.master.namespace;

import java.util.List;

/**
 * A file: its replication goal, chunk size and chunk handles in file order. The chunks' facts
 * (version, length, digests) live once per handle in the chunk table, so a file's size and chunks
 * are read through {@link Namespace#size} and {@link Namespace#chunks}. The handle array is never
 * changed after construction, so a snapshot's copy of a file and a restored version share it.
 */
public final class FileNode extends Inode {
  static final long[] NO_CHUNKS = new long[0];
  private final byte replication;
  private final long chunkSize;
  final long[] handles;

  FileNode(byte[] name, long modified, int replication, long chunkSize, long[] handles,
      String owner, String group, int permission) {
    super(name, modified, owner, group, permission);
    this.replication = (byte) replication;
    this.chunkSize = chunkSize;
    this.handles = handles.length == 0 ? NO_CHUNKS : handles;
  }

  /** The handles of {@code chunks}, in order. */
  static long[] handlesOf(List<ChunkRecord> chunks) {
    if (chunks.isEmpty()) {
      return NO_CHUNKS;
    }
    long[] out = new long[chunks.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = chunks.get(i).handle();
    }
    return out;
  }

  /** A copy of this file under {@code name} (a snapshot's), sharing the handle array. */
  FileNode copy(byte[] name) {
    return new FileNode(name, modified, replication(), chunkSize, handles, owner, group,
        permission);
  }

  @Override
  boolean isDirectory() {
    return false;
  }

  public int replication() {
    return replication & 0xff;
  }

  public long chunkSize() {
    return chunkSize;
  }

  public int chunkCount() {
    return handles.length;
  }

  public long handle(int i) {
    return handles[i];
  }

  public long modified() {
    return modified;
  }
}
