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
 */
public record FileStatus(String path, String name, boolean directory, long size,
    long modifiedMillis, int replication, long chunkSize, int chunkCount) {}
