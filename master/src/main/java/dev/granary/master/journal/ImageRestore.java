package dev.granary.master.journal;

import dev.granary.master.namespace.MetadataImage;

/**
 * Makes the live image hold what a durable image (rebuilt from the disk) holds, in place: the
 * namespace object, the retry cache and the image itself stay the same objects, because the chunk
 * manager and the metadata service keep references to them. The caller holds the metadata write
 * lock. The live namespace takes over the durable one's tree, chunk table, versions and trash (the
durable image is discarded after); it runs only after the operation log failed.
 *
 * <p>Retry cache entries of undone records stay (nothing can remove them) but their durability
 * future has failed, which the metadata service takes as "never answered": a retry runs anew.
 */
final class ImageRestore {
  private ImageRestore() {}

  static void restore(MetadataImage live, MetadataImage durable) {
    live.namespace().restoreFrom(durable.namespace());
    durable.retryCache().forEach((clientId, opId, e) ->
        live.retryCache().put(clientId, opId, e.reply(), e.time(), null));
    live.users().restore(durable.users());
    live.decommissions().restore(durable.decommissions());
    live.restoreCounters(durable);
  }
}
