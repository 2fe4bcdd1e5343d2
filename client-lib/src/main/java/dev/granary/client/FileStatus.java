package dev.granary.client;

/**
 * A namespace entry as the master reports it.
 *
 * @param path absolute path
 * @param name last path component ("/" for the root)
 * @param directory whether the entry is a directory
 * @param size bytes (0 for a directory)
 * @param modifiedMillis modification time, epoch milliseconds
 * @param replication replication goal (0 for a directory)
 * @param chunkSize chunk size in bytes (0 for a directory)
 * @param chunkCount number of chunks (0 for an empty file or a directory)
 * @param owner the owning user
 * @param group the owning group
 * @param permission the nine POSIX permission bits as three octal digits, e.g. {@code "644"}
 * @param compression how the client compressed the file's blocks: {@code none}, {@code lz4} or
 *     {@code zstd}
 * @param storedSize bytes the file's chunks hold (its size unless compressed or encrypted)
 * @param encrypted whether the file was encrypted on the client that wrote it
 */
public record FileStatus(String path, String name, boolean directory, long size,
    long modifiedMillis, int replication, long chunkSize, int chunkCount, String owner,
    String group, String permission, String compression, long storedSize, boolean encrypted) {
  /** A plain entry: not compressed, not encrypted. */
  public FileStatus(String path, String name, boolean directory, long size,
      long modifiedMillis, int replication, long chunkSize, int chunkCount, String owner,
      String group, String permission) {
    this(path, name, directory, size, modifiedMillis, replication, chunkSize, chunkCount, owner,
        group, permission, "none", size, false);
  }

  /** The permission as {@code ls -l} shows it, type included: {@code drwxr-xr-x}. */
  public String mode() {
    int bits = Integer.parseInt(permission, 8);
    StringBuilder sb = new StringBuilder(10).append(directory ? 'd' : '-');
    for (int shift = 6; shift >= 0; shift -= 3) {
      int b = bits >> shift;
      sb.append((b & 4) != 0 ? 'r' : '-').append((b & 2) != 0 ? 'w' : '-')
          .append((b & 1) != 0 ? 'x' : '-');
    }
    return sb.toString();
  }
}
