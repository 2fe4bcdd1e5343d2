package dev.granary.master;

import dev.granary.master.journal.Journal;
import dev.granary.master.journal.Op;
import dev.granary.master.journal.OpApplier;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.replication.DigestLog;
import java.time.Clock;

/** Records vote outcomes as {@code digest} log records. Called under the metadata write lock. */
final class JournaledDigestLog implements DigestLog {
  private final MetadataImage image;
  private final Journal journal;
  private final Clock clock;

  JournaledDigestLog(MetadataImage image, Journal journal, Clock clock) {
    this.image = image;
    this.journal = journal;
    this.clock = clock;
  }

  @Override
  public void record(long handle, long length, long digest) {
    Op op = new Op.SetDigest(clock.millis(), handle, length, digest);
    OpApplier.apply(image, op);
    journal.append(op);
  }
}
