package dev.granary.master;

import dev.granary.master.journal.MetadataStore;
import dev.granary.master.journal.Op;
import dev.granary.master.journal.OpApplier;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.replication.DigestLog;
import java.time.Clock;

/**
 * Records vote outcomes as {@code digest} log records. Called under the metadata write lock. A
 * read-only master records nothing (what cannot be logged must not be applied); the vote is taken
 * again when the chunk is next found in disagreement.
 */
final class JournaledDigestLog implements DigestLog {
  private final MetadataStore store;
  private final MetadataImage image;
  private final Clock clock;

  JournaledDigestLog(MetadataStore store, Clock clock) {
    this.store = store;
    this.image = store.image();
    this.clock = clock;
  }

  @Override
  public void record(long handle, long length, long digest) {
    if (store.readOnly()) {
      return;
    }
    Op op = new Op.SetDigest(clock.millis(), handle, length, digest);
    OpApplier.apply(image, op);
    store.journal().append(op);
  }
}
