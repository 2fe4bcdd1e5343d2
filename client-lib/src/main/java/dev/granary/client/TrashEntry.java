package dev.granary.client;

/**
 * A removed file or directory tree in the caller's trash ({@link GranaryClient#trash()}).
 *
 * @param path the path it was removed from, and where {@link GranaryClient#restoreFromTrash}
 *     puts it back
 * @param directory whether it is a directory tree
 * @param size bytes in it
 * @param files files in it (1 for a file)
 * @param deletedMillis when it was removed, epoch milliseconds
 * @param expiresMillis when it leaves the trash for good and its chunks are freed
 */
public record TrashEntry(String path, boolean directory, long size, long files,
    long deletedMillis, long expiresMillis) {}
