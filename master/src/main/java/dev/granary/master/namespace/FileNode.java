package dev.granary.master.namespace;

import dev.granary.wire.msg.FileEncoding;
import java.util.List;

/**
 * A file: its replication goal, chunk size and chunk handles in file order. The chunks' facts
 * (version, length, digests) live once per handle in the chunk table, so a file's size and chunks
 * are read through {@link Namespace#size} and {@link Namespace#chunks}. The handles never change
 * after construction, so a snapshot's copy of a file and a restored version share them.
 *
 * <p>Most files have one chunk: its handle is kept in a field ({@code single}), which saves the
 * 24 bytes of a one-element array per file; more handles go in an array.
 *
 * <p>A file the client compressed or encrypted is an {@link EncodedFileNode}, which adds its
 * encoding and logical size: a plain file (the common case) pays nothing for them, and the
 * attributes travel with the node wherever it goes (rename, kept versions, trash) and into every
 * copy ({@link #copy}, {@link #withChunksOf}) without a side table to keep in step.
 */
public sealed class FileNode extends Inode permits EncodedFileNode {
  private final byte replication;
  private final long chunkSize;
  /** The handle of a one-chunk file, or 0 (handle 0 is never allocated). */
  private final long single;
  /** The handles of a file of two or more chunks, else null. */
  private final long[] handles;

  FileNode(byte[] name, long modified, int replication, long chunkSize, long[] handles,
      String owner, String group, int permission) {
    this(name, modified, replication, chunkSize, handles.length == 1 ? handles[0] : 0,
        handles.length > 1 ? handles : null, owner, group, permission);
  }

  /** A plain file, or an {@link EncodedFileNode} if {@code encoding} is not plain. */
  static FileNode of(byte[] name, long modified, int replication, long chunkSize, long[] handles,
      String owner, String group, int permission, FileEncoding encoding, long size) {
    if (encoding.isPlain()) {
      return new FileNode(name, modified, replication, chunkSize, handles, owner, group,
          permission);
    }
    return new EncodedFileNode(name, modified, replication, chunkSize,
        handles.length == 1 ? handles[0] : 0, handles.length > 1 ? handles : null, owner, group,
        permission, encoding, size);
  }

  FileNode(byte[] name, long modified, int replication, long chunkSize, long single,
      long[] handles, String owner, String group, int permission) {
    super(name, modified, owner, group, permission);
    this.replication = (byte) replication;
    this.chunkSize = chunkSize;
    this.single = single;
    this.handles = handles;
  }

  /** The handles of {@code chunks}, in order. */
  static long[] handlesOf(List<ChunkRecord> chunks) {
    long[] out = new long[chunks.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = chunks.get(i).handle();
    }
    return out;
  }

  /** A copy of this file under {@code name} (a snapshot's), sharing the handles. */
  FileNode copy(byte[] name) {
    return new FileNode(name, modified, replication(), chunkSize, single, handles, owner, group,
        permission);
  }

  /** A new file with this file's chunks (a restored version): same handles, new identity. */
  FileNode withChunksOf(byte[] name, long time, String owner, String group, int permission) {
    return new FileNode(name, time, replication(), chunkSize, single, handles, owner, group,
        permission);
  }

  /** The handle of a one-chunk file, or 0 (for a subclass's copies). */
  final long single() {
    return single;
  }

  /** The handles of a file of two or more chunks, else null (for a subclass's copies). */
  final long[] handles() {
    return handles;
  }

  /** How the chunks hold the bytes: {@link FileEncoding#PLAIN} here (stored size -1). */
  FileEncoding encoding() {
    return FileEncoding.PLAIN;
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
    return handles != null ? handles.length : single != 0 ? 1 : 0;
  }

  public long handle(int i) {
    if (handles != null) {
      return handles[i];
    }
    if (i != 0 || single == 0) {
      throw new IndexOutOfBoundsException("chunk " + i + " of a file of " + chunkCount());
    }
    return single;
  }

  public long modified() {
    return modified;
  }
}
