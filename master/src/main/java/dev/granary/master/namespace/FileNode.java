package dev.granary.master.namespace;

/**
 * A file: its replication goal, chunk size and chunks, packed four longs per chunk (handle, version,
 * length, digest) in one array instead of an object per chunk. The size is the sum of the chunk
 * lengths, computed on demand rather than stored.
 */
public final class FileNode extends Inode {
  static final int STRIDE = ChunkRecord.STRIDE;
  static final long[] NO_CHUNKS = new long[0];
  private final byte replication;
  private final long chunkSize;
  final long[] chunks;

  FileNode(byte[] name, long modified, int replication, long chunkSize, long[] chunks,
      String owner, String group, int permission) {
    super(name, modified, owner, group, permission);
    this.replication = (byte) replication;
    this.chunkSize = chunkSize;
    this.chunks = chunks.length == 0 ? NO_CHUNKS : chunks;
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
    return chunks.length / STRIDE;
  }

  public long handle(int i) {
    return chunks[i * STRIDE];
  }

  public long version(int i) {
    return chunks[i * STRIDE + 1];
  }

  public long length(int i) {
    return chunks[i * STRIDE + 2];
  }

  public long digest(int i) {
    return chunks[i * STRIDE + 3];
  }

  /** Chunk {@code i} in its named form. */
  public ChunkRecord chunk(int i) {
    int at = i * STRIDE;
    return new ChunkRecord(chunks[at], chunks[at + 1], chunks[at + 2], chunks[at + 3]);
  }

  /** All chunks in their named form, in file order. */
  public java.util.List<ChunkRecord> chunkRecords() {
    ChunkRecord[] out = new ChunkRecord[chunkCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = chunk(i);
    }
    return java.util.List.of(out);
  }

  public long size() {
    long s = 0;
    for (int i = 2; i < chunks.length; i += STRIDE) {
      s += chunks[i];
    }
    return s;
  }

  public long modified() {
    return modified;
  }

  void setChunk(int i, long length, long digest) {
    chunks[i * STRIDE + 2] = length;
    chunks[i * STRIDE + 3] = digest;
  }
}
