package dev.granary.master.journal;

import com.google.common.primitives.ImmutableLongArray;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the metadata image from the data directory: the newest checkpoint, then every log record
 * after it, in sequence order with no gaps. Only the very last line of the last segment may be torn
 * (a crash during an append that was never acknowledged, since replies wait for fsync): it is
 * dropped, the file is truncated to the last complete line and a warning is logged. Any other
 * unreadable byte stops recovery with a {@link CorruptJournalException} naming file and line.
 */
public final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  /**
   * The recovered image and where appending continues. {@code released} are the chunk handles
   * that replayed operations made garbage (files deleted or replaced after the checkpoint).
   */
  public record Result(MetadataImage image, long checkpointSeq, long recordsReplayed,
      Path lastSegment, long[] released) {}

  private final OpCodec codec;
  private final CheckpointFormat checkpoints;
  private final String nodeId;

  public Recovery(OpCodec codec, com.fasterxml.jackson.core.JsonFactory factory, String nodeId) {
    this.codec = codec;
    this.checkpoints = new CheckpointFormat(factory);
    this.nodeId = nodeId;
  }

  /**
   * Recovers everything in {@code dir}, repairing a torn last line.
   *
   * @throws CorruptJournalException if the log or checkpoint is corrupt
   * @throws IOException if the files cannot be read or the torn line cannot be truncated
   */
  public Result recover(Path dir) throws IOException {
    return recover(dir, Long.MAX_VALUE, true);
  }

  /**
   * Recovers the state as of sequence number {@code upToSeq}, repairing nothing: for background
   * checkpoints (closed segments) and for undoing the records after the last durable one (the
   * active segment: reading stops at {@code upToSeq}, before whatever follows it).
   */
  Result recover(Path dir, long upToSeq, boolean repair) throws IOException {
    TreeMap<Long, Path> cps = JournalFiles.checkpoints(dir);
    NavigableMap<Long, Path> usable = cps.headMap(upToSeq, true);
    MetadataImage image = null;
    long cpSeq = 0;
    CorruptJournalException firstFailure = null;
    TreeMap<Long, Path> segments = JournalFiles.segments(dir);
    for (Map.Entry<Long, Path> e : usable.descendingMap().entrySet()) {
      try {
        MetadataImage candidate = checkpoints.read(e.getValue());
        if (candidate.lastSeq() != e.getKey()) {
          throw new CorruptJournalException("checkpoint " + e.getValue() + ": header says seq "
              + candidate.lastSeq() + ", file name says " + e.getKey());
        }
        if (!segments.isEmpty() && segments.floorKey(e.getKey() + 1) == null) {
          throw new CorruptJournalException("checkpoint " + e.getValue()
              + " cannot be used: the log after it is gone");
        }
        image = candidate;
        cpSeq = e.getKey();
        break;
      } catch (CorruptJournalException ex) {
        log.warn("{}: skipping unusable checkpoint: {}", nodeId, ex.getMessage());
        if (firstFailure == null) {
          firstFailure = ex;
        }
      }
    }
    if (image == null) {
      if (firstFailure != null) {
        throw firstFailure;
      }
      image = new MetadataImage();
    }
    Long start = segments.floorKey(cpSeq + 1);
    if (start == null && !segments.isEmpty()) {
      if (segments.firstKey() > cpSeq + 1) {
        throw new CorruptJournalException("log segment " + segments.firstEntry().getValue()
            + " starts at seq " + segments.firstKey() + " but the state ends at seq " + cpSeq
            + ": records are missing");
      }
    }
    long replayed = 0;
    Path last = null;
    ImmutableLongArray.Builder released = ImmutableLongArray.builder();
    if (start != null) {
      NavigableMap<Long, Path> tail = segments.tailMap(start, true).headMap(upToSeq, true);
      Long lastKey = tail.isEmpty() ? null : tail.lastKey();
      for (Map.Entry<Long, Path> e : tail.entrySet()) {
        boolean isLast = e.getKey().equals(lastKey) && upToSeq == Long.MAX_VALUE;
        replayed += replay(e.getValue(), image, isLast && repair, upToSeq, released);
        last = e.getValue();
      }
    }
    if (upToSeq != Long.MAX_VALUE && image.lastSeq() != upToSeq) {
      throw new CorruptJournalException("the log ends at seq " + image.lastSeq()
          + ", expected it to reach seq " + upToSeq);
    }
    return new Result(image, cpSeq, replayed, last, released.build().toArray());
  }

  private long replay(Path file, MetadataImage image, boolean lastSegment, long upToSeq,
      ImmutableLongArray.Builder released) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int length = all.length;
    if (lastSegment) {
      // The active segment is preallocated with zeros beyond its last record.
      while (length > 0 && all[length - 1] == 0) {
        length--;
      }
    }
    byte[] buf = length == all.length ? all : java.util.Arrays.copyOf(all, length);
    int pos = 0;
    long lineNo = 0;
    long replayed = 0;
    while (pos < buf.length && image.lastSeq() < upToSeq) {
      lineNo++;
      int nl = indexOf(buf, (byte) '\n', pos);
      boolean complete = nl >= 0;
      int end = complete ? nl : buf.length;
      boolean lastLine = !complete || end + 1 >= buf.length;
      OpCodec.Record rec;
      try {
        if (!complete) {
          throw new IllegalArgumentException("no newline at the end of the line");
        }
        rec = codec.decode(buf, pos, end - pos);
      } catch (IllegalArgumentException ex) {
        if (lastSegment && lastLine) {
          log.warn("{}: ignoring torn last line {} of {} ({} bytes: {}); truncating the log to "
              + "{} bytes", nodeId, lineNo, file, buf.length - pos, ex.getMessage(), pos);
          truncate(file, pos);
          return replayed;
        }
        if (lastSegment && containsNul(buf, pos, end)) {
          // A hole of never-written (zero) bytes in the active segment: the crash hit before the
          // batch holding this line was forced. Every later line was forced after it, so none of
          // them was acknowledged either; a line of other garbage is not a crash and stops us.
          log.warn("{}: line {} of {} holds unwritten bytes (a crash before its batch was "
              + "forced); dropping it and the {} bytes after it, truncating the log to {} bytes",
              nodeId, lineNo, file, buf.length - pos, pos);
          truncate(file, pos);
          return replayed;
        }
        throw new CorruptJournalException("log " + file + " line " + lineNo + ": "
            + ex.getMessage());
      }
      pos = end + 1;
      if (rec.seq() <= image.lastSeq()) {
        continue;
      }
      if (rec.seq() > upToSeq) {
        break;
      }
      if (rec.seq() != image.lastSeq() + 1) {
        throw new CorruptJournalException("log " + file + " line " + lineNo + ": seq "
            + rec.seq() + " follows seq " + image.lastSeq() + ": records are missing");
      }
      try {
        long[] garbage = OpApplier.apply(image, rec.op()).garbage();
        // (handle, version) pairs: keep the handles.
        for (int i = 0; i < garbage.length; i += 2) {
          released.add(garbage[i]);
        }
      } catch (MetadataException ex) {
        throw new CorruptJournalException("log " + file + " line " + lineNo + ": seq "
            + rec.seq() + " (" + OpCodec.typeOf(rec.op()) + ") does not apply to the state: "
            + ex.getMessage());
      }
      image.setLastSeq(rec.seq());
      replayed++;
    }
    if (lastSegment && length < all.length) {
      truncate(file, length);
    }
    return replayed;
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
      ch.force(true);
    }
  }

  private static boolean containsNul(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] buf, byte b, int from) {
    for (int i = from; i < buf.length; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
