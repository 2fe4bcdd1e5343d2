package dev.granary.master.namespace;

import java.util.List;

/**
 * One chunk of a file as the metadata records it: its handle, version, length and content digest.
 * Files keep their chunks packed in a {@code long[]} to save memory; this is the named form every
 * API outside the tree speaks.
 */
public record ChunkRecord(long handle, long version, long length, long digest) {
  /** Longs per chunk in the packed form. */
  static final int STRIDE = 4;

  /** Packs {@code chunks} into the compact form a {@link FileNode} keeps (four longs each). */
  static long[] pack(List<ChunkRecord> chunks) {
    if (chunks.isEmpty()) {
      return FileNode.NO_CHUNKS;
    }
    long[] out = new long[chunks.size() * STRIDE];
    int i = 0;
    for (ChunkRecord c : chunks) {
      out[i++] = c.handle();
      out[i++] = c.version();
      out[i++] = c.length();
      out[i++] = c.digest();
    }
    return out;
  }
}
