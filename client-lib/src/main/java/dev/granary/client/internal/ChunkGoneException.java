package dev.granary.client.internal;

import dev.granary.client.UnavailableException;

/**
 * The master refused a commit because a chunk it names as already held (a delta update, a
 * deduplicated chunk) is held by nothing any more (CHUNK_GONE): the writer sends that chunk's bytes
 * instead. Not transient for the retry policy (the same commit would be refused again).
 */
final class ChunkGoneException extends UnavailableException {
  private static final long serialVersionUID = 1L;

  ChunkGoneException(String message, Throwable cause) {
    super(message, cause);
  }
}
