package dev.granary.client;

/**
 * What an upload did: the file as committed, and what it sent. A chunk the master already held
 * (of the file it replaced or its kept versions: a delta update; with the cluster's
 * deduplication, of the owner's other files) is named, not sent: {@code chunksReused}.
 *
 * @param bytesSent bytes of chunk data sent to chunkservers (each chunk counted once, not per
 *     replica)
 */
public record UploadResult(FileStatus status, long bytesSent, int chunksSent, int chunksReused) {}
