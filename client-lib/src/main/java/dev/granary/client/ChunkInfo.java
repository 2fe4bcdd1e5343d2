package dev.granary.client;

import java.util.List;

/**
 * One chunk of a file, for {@code stat --json}.
 *
 * @param index chunk index in the file, from 0
 * @param handle the chunk handle as 16 hex digits (the string in replica file names)
 * @param version the chunk version
 * @param size bytes in this chunk
 * @param replicas {@code host:port} of each live replica
 * @param sha256 the SHA-256 of the chunk's bytes as 64 lower-case hex digits (as
 *     {@code sha256sum} prints it), checked by every replica's chunkserver when the chunk was
 *     written; null for a chunk written before chunks had one
 */
public record ChunkInfo(int index, String handle, long version, long size, List<String> replicas,
    String sha256) {
  public ChunkInfo {
    replicas = List.copyOf(replicas);
  }
}
