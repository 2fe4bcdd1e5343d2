package dev.granary.master.namespace;

import dev.granary.wire.msg.FileEncoding;

/**
 * A file whose chunks hold records (compressed and/or encrypted blocks) rather than its bytes: its
 * {@link FileEncoding} (kept with stored size -1; the stored size is always the sum of the chunks'
 * lengths, which a majority vote may change) and its logical size, the bytes a reader gets. Only
 * the wrapped data key changes after creation (key rotation, {@link #rekey}); copies (a snapshot's,
 * a restored version) share the encoding, which is immutable.
 */
final class EncodedFileNode extends FileNode {
  private FileEncoding encoding;
  private final long size;

  EncodedFileNode(byte[] name, long modified, int replication, long chunkSize, long single,
      long[] handles, String owner, String group, int permission, FileEncoding encoding,
      long size) {
    super(name, modified, replication, chunkSize, single, handles, owner, group, permission);
    this.encoding = encoding.withStoredSize(-1);
    this.size = size;
  }

  @Override
  FileNode copy(byte[] name) {
    return new EncodedFileNode(name, modified, replication(), chunkSize(), single(), handles(),
        owner, group, permission, encoding, size);
  }

  @Override
  FileNode withChunksOf(byte[] name, long time, String owner, String group, int permission) {
    return new EncodedFileNode(name, time, replication(), chunkSize(), single(), handles(), owner,
        group, permission, encoding, size);
  }

  @Override
  FileEncoding encoding() {
    return encoding;
  }

  /** The bytes a reader gets. */
  long size() {
    return size;
  }

  /** The data key is wrapped anew (key rotation); nothing else changes. */
  void rekey(String keyId, String wrappedKey) {
    encoding = encoding.withKey(keyId, wrappedKey);
  }
}
