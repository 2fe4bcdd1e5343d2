package dev.granary.chunkserver.storage;

import com.google.common.base.Ticker;
import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunkserver's write-ahead journal for small replicas ("deferred writes", as Ceph's BlueStore
 * does for small writes and ZFS with its intent log).
 *
 * <p>Why. A replica is two new files, and making a new file durable costs far more than its bytes:
 * each {@code fdatasync} of a newly created file also writes its inode and its directory entry, and
 * the rename into {@code replicas/} needs a directory sync of its own (three flushes, ~2 ms per
 * replica on this project's build machine). For a replica of at most {@link #DEFERRED_MAX} bytes the
 * store instead appends one record (the meta file's bytes and the data) to this journal and forces
 * only the journal: one flush of a file that already exists, shared by every replica committing at
 * that moment (group commit). The replica's own files are renamed into place unforced and reach the
 * disk with the kernel's ordinary write-back; a journal segment is deleted only after every replica
 * it holds has been forced by {@link JournalCheckpointer}. After a crash or power loss,
 * start-up replays the remaining segments and rewrites any replica whose files did not survive, so a
 * replica acknowledged to a client is never lost.
 *
 * <p>Files: {@code journal/journal-<seq>.log}, 16 hex digits of sequence number, replayed in order.
 * A segment is grown in zero-filled steps of {@link #EXTEND} bytes, each forced once, so an append's
 * {@code fdatasync} writes only data blocks, never the file's size. Records, big-endian:
 *
 * <pre>
 *  magic "GRNJ" (4) | kind (1) | body length (4) | body | CRC32C of everything before it (4)
 *  kind 1, a replica:  its meta file's bytes ({@link MetaFile}) | its data (length bytes)
 *  kind 2, removed:    handle (8) | version (8)
 * </pre>
 *
 * <p>A record that is zero (the unused tail of a segment), truncated or fails its checksum ends the
 * segment: no later record can have been acknowledged, since an acknowledgement waits for a force
 * that covers every byte written before it. Removal records are not forced: if one is lost, the
 * replica comes back after a crash and the master, which no longer counts it, deletes it again.
 *
 * <p>Thread-safe: appends from the store's writers, rotation and discarding from the checkpoint.
 */
final class ReplicaJournal implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaJournal.class);

  /** Replicas of at most this many bytes (one checksum block) go through the journal. */
  static final int DEFERRED_MAX = 64 << 10;
  /** A segment grows by this many zero-filled bytes at a time. */
  static final int EXTEND = 1 << 20;
  /** A segment holding this many bytes is sealed and a new one started. */
  static final long SEGMENT_LIMIT = 32L << 20;

  static final int MAGIC = 0x47524E4A; // "GRNJ"
  static final byte REPLICA = 1;
  static final byte REMOVED = 2;
  private static final int HEADER = 4 + 1 + 4;
  private static final int TRAILER = 4;
  /** The largest body a valid record can have: a meta file of one block and that block. */
  static final int MAX_BODY = MetaFile.length(1) + DEFERRED_MAX;
  private static final String PREFIX = "journal-";
  private static final String SUFFIX = ".log";

  private final Path dir;
  private final String nodeId;
  private final Ticker ticker;
  // Guarded by this.
  private Segment current;
  private final ArrayDeque<Segment> sealed = new ArrayDeque<>();
  private long nextSeq;
  private IOException failure;
  private boolean closed;

  /** A record that is durable in the journal; {@link #settled} it once its replica is renamed. */
  static final class Ticket {
    private final Segment segment;

    private Ticket(Segment segment) {
      this.segment = segment;
    }
  }

  /** One replayed replica record: its meta, block CRCs and data. */
  record Replayed(ReplicaMeta meta, int[] blockCrcs, byte[] data) {}

  /** What the journal on disk held at start-up: the last record of each handle, in order. */
  record Replay(List<Replayed> replicas, Set<Long> removed, int segments, int records) {}

  private ReplicaJournal(Path dir, String nodeId, Ticker ticker) {
    this.dir = dir;
    this.nodeId = nodeId;
    this.ticker = ticker;
  }

  /**
   * Reads every segment under {@code dir} (for the store to apply) without changing them. Each
   * handle's last record wins: a replica record, or a removal.
   */
  static Replay read(Path dir, String nodeId) throws IOException {
    TreeMap<Long, Path> segments = segments(dir);
    // The newest record of each handle (so replay holds at most the live journal in memory).
    TreeMap<Long, Decoded> last = new TreeMap<>();
    List<Long> order = new ArrayList<>();
    int records = 0;
    for (Path p : segments.values()) {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        long pos = 0;
        long size = ch.size();
        while (true) {
          Decoded d = readRecord(ch, pos, size);
          if (d == null) {
            break;
          }
          records++;
          pos = d.next();
          long handle = d.replica() != null ? d.replica().meta().handle() : d.removed();
          if (last.put(handle, d) == null) {
            order.add(handle);
          }
        }
        if (pos < size && !zeroFrom(ch, pos, size)) {
          log.warn("{}: journal {} ends in an incomplete record at byte {} (a crash during an "
              + "unacknowledged write); ignored", nodeId, p.getFileName(), pos);
        }
      }
    }
    List<Replayed> replicas = new ArrayList<>();
    Set<Long> removed = new HashSet<>();
    for (long h : order) {
      Decoded d = last.get(h);
      if (d.replica() != null) {
        replicas.add(d.replica());
      } else {
        removed.add(h);
      }
    }
    return new Replay(replicas, removed, segments.size(), records);
  }

  /** A decoded record: where the next one starts, and a replica or the handle of a removal. */
  private record Decoded(long next, Replayed replica, Long removed) {}

  /** Decodes the record at {@code pos}, or returns null if there is no valid record there. */
  private static Decoded readRecord(FileChannel ch, long pos, long size) throws IOException {
    if (size - pos < HEADER + TRAILER) {
      return null;
    }
    ByteBuffer head = ByteBuffer.allocate(HEADER);
    readFully(ch, head, pos);
    head.flip();
    if (head.getInt() != MAGIC) {
      return null;
    }
    byte kind = head.get();
    int bodyLength = head.getInt();
    if ((kind != REPLICA && kind != REMOVED) || bodyLength < 16 || bodyLength > MAX_BODY
        || size - pos < HEADER + (long) bodyLength + TRAILER) {
      return null;
    }
    byte[] rec = new byte[HEADER + bodyLength + TRAILER];
    ByteBuffer all = ByteBuffer.wrap(rec);
    readFully(ch, all, pos);
    int stored = ByteBuffer.wrap(rec).getInt(HEADER + bodyLength);
    if (stored != Checksums.crc32c(rec, 0, HEADER + bodyLength)) {
      return null;
    }
    long next = pos + rec.length;
    ByteBuffer body = ByteBuffer.wrap(rec, HEADER, bodyLength);
    if (kind == REMOVED) {
      return new Decoded(next, null, body.getLong());
    }
    // The meta file's bytes, then the data: the length in the meta says where the data starts.
    long dataLength = body.getLong(HEADER + 4 + 4 + 8 + 8);
    if (dataLength < 0 || dataLength >= bodyLength) {
      return null;
    }
    int metaLength = bodyLength - (int) dataLength;
    byte[] metaBytes = new byte[metaLength];
    System.arraycopy(rec, HEADER, metaBytes, 0, metaLength);
    MetaFile.Contents c;
    try {
      c = MetaFile.decode(metaBytes, "journal record");
    } catch (CorruptReplicaException e) {
      return null;
    }
    byte[] data = new byte[bodyLength - metaLength];
    System.arraycopy(rec, HEADER + metaLength, data, 0, data.length);
    return new Decoded(next, new Replayed(c.meta(), c.blockCrcs(), data), null);
  }

  private static boolean zeroFrom(FileChannel ch, long pos, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8192);
    while (pos < size) {
      b.clear().limit((int) Math.min(b.capacity(), size - pos));
      readFully(ch, b, pos);
      b.flip();
      while (b.hasRemaining()) {
        if (b.get() != 0) {
          return false;
        }
      }
      pos += b.limit();
    }
    return true;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      int n = ch.read(b, p);
      if (n < 0) {
        throw new IOException("unexpected end of journal at byte " + p);
      }
      p += n;
    }
  }

  private static TreeMap<Long, Path> segments(Path dir) throws IOException {
    TreeMap<Long, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        try {
          out.put(Long.parseUnsignedLong(
              n.substring(PREFIX.length(), n.length() - SUFFIX.length()), 16), p);
        } catch (NumberFormatException e) {
          // Not one of ours: left alone.
        }
      }
    }
    return out;
  }

  /**
   * Deletes every segment under {@code dir} (after the store applied them) and starts an empty
   * journal there.
   */
  static ReplicaJournal start(Path dir, String nodeId, Ticker ticker) throws IOException {
    Files.createDirectories(dir);
    TreeMap<Long, Path> old = segments(dir);
    for (Path p : old.values()) {
      Files.delete(p);
    }
    ReplicaJournal j = new ReplicaJournal(dir, nodeId, ticker);
    j.nextSeq = old.isEmpty() ? 1 : old.lastKey() + 1;
    j.current = j.newSegment();
    return j;
  }

  private Segment newSegment() throws IOException {
    long seq;
    synchronized (this) {
      seq = nextSeq++;
    }
    Path p = dir.resolve(PREFIX + String.format("%016x", seq) + SUFFIX);
    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    try {
      Segment s = new Segment(p, ch, ticker.read());
      s.extend(EXTEND);
      StoreLayout.forceDirectory(dir);
      return s;
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(p);
      throw e;
    }
  }

  /**
   * Appends a replica record and returns once it is durable (group commit: one force covers every
   * record appended before it).
   *
   * @throws IOException if the record cannot be written, or the journal cannot be forced: then it
   *     refuses every later append, since after a failed {@code fsync} the kernel may have dropped
   *     pages that a later {@code fsync} would not report again
   */
  Ticket appendReplica(ReplicaMeta meta, int[] crcs, byte[] data) throws IOException {
    ByteBuffer metaBytes = MetaFile.encode(meta, crcs);
    ByteBuffer rec = record(REPLICA, metaBytes.remaining() + data.length);
    rec.put(metaBytes).put(data);
    Segment s;
    long end;
    synchronized (this) {
      s = append(rec, meta.handle());
      s.pending++;
      end = s.written;
    }
    try {
      s.sync(end);
    } catch (IOException e) {
      fail(e);
      settled(new Ticket(s));
      throw e;
    }
    return new Ticket(s);
  }

  /**
   * Appends a removal record for {@code handle}, not forced (see the class comment), if a live
   * segment holds a record of it; otherwise there is nothing a replay could bring back.
   */
  void appendRemoved(long handle, long version) {
    synchronized (this) {
      if (closed || failure != null || !holds(handle)) {
        return;
      }
      ByteBuffer rec = record(REMOVED, 16);
      rec.putLong(handle).putLong(version);
      try {
        append(rec, handle);
      } catch (IOException e) {
        log.warn("{}: cannot journal the removal of replica {}: {}", nodeId,
            ChunkHandles.format(handle), e.toString());
      }
    }
  }

  private boolean holds(long handle) {
    if (current.handles.contains(handle)) {
      return true;
    }
    for (Segment s : sealed) {
      if (s.handles.contains(handle)) {
        return true;
      }
    }
    return false;
  }

  private static ByteBuffer record(byte kind, int bodyLength) {
    ByteBuffer b = ByteBuffer.allocate(HEADER + bodyLength + TRAILER);
    return b.putInt(MAGIC).put(kind).putInt(bodyLength);
  }

  /** Writes a filled record (all but its checksum) to the current segment; caller holds this. */
  private Segment append(ByteBuffer rec, long handle) throws IOException {
    if (closed) {
      throw new IOException(nodeId + ": journal is closed");
    }
    if (failure != null) {
      throw new IOException(nodeId + ": journal failed earlier: " + failure.getMessage(), failure);
    }
    rec.putInt(Checksums.crc32c(rec.array(), 0, rec.position()));
    rec.flip();
    // A failed write (a full disk, say) fails only this record: nothing was acknowledged past
    // {@code written}, and the next record overwrites whatever part of this one reached the file.
    Segment s = current;
    s.write(rec);
    s.handles.add(handle);
    return s;
  }

  private synchronized void fail(IOException e) {
    if (failure == null) {
      failure = e;
      log.error("{}: replica journal failed, small writes are refused until restart: {}", nodeId,
          e.toString());
    }
  }

  /** The replica of {@code ticket}'s record is renamed into place (or abandoned). */
  synchronized void settled(Ticket ticket) {
    ticket.segment.pending--;
  }

  /**
   * Seals the current segment and starts a new one if the current one holds records and is older
   * than {@code rotateAfterNanos} or larger than {@link #SEGMENT_LIMIT}, or if {@code force}.
   */
  void maybeRotate(long rotateAfterNanos, boolean force) throws IOException {
    synchronized (this) {
      if (closed || current.handles.isEmpty() || !force
          && ticker.read() - current.startedNanos < rotateAfterNanos
          && current.written < SEGMENT_LIMIT) {
        return;
      }
    }
    // Created outside the lock: zero-filling and forcing a new segment must not stall appends.
    Segment next = newSegment();
    Segment old;
    synchronized (this) {
      if (closed) {
        next.discard();
        return;
      }
      old = current;
      old.sealedNanos = ticker.read();
      sealed.addLast(old);
      current = next;
    }
  }

  /**
   * The oldest sealed segments that may be discarded once their replicas are forced: sealed at
   * least {@code ageNanos} ago (or any, if {@code all}), with no commit still between its journal
   * record and its rename. Stops at the first that may not, so segments go in order.
   */
  synchronized List<Segment> discardable(long ageNanos, boolean all) {
    List<Segment> out = new ArrayList<>();
    long now = ticker.read();
    for (Segment s : sealed) {
      if (s.pending > 0 || !all && now - s.sealedNanos < ageNanos) {
        break;
      }
      out.add(s);
    }
    return out;
  }

  /** Deletes segments returned by {@link #discardable} whose replicas the store has forced. */
  void discard(List<Segment> segments) throws IOException {
    for (Segment s : segments) {
      synchronized (this) {
        sealed.remove(s);
      }
      s.discard();
    }
    if (!segments.isEmpty()) {
      StoreLayout.forceDirectory(dir);
    }
  }

  /** Bytes in live segments (sealed and current). */
  synchronized long liveBytes() {
    long n = current.written;
    for (Segment s : sealed) {
      n += s.written;
    }
    return n;
  }

  /** Closes the segment files; the caller discards them first if it checkpointed everything. */
  @Override
  public void close() {
    List<Segment> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(sealed);
      all.add(current);
    }
    for (Segment s : all) {
      s.closeQuietly();
    }
  }

  /** Whether the journal holds no records (for tests and the clean-shutdown check). */
  synchronized boolean isEmpty() {
    return sealed.isEmpty() && current.handles.isEmpty();
  }

  /** One journal file: written at {@code written}, zero-filled up to {@code allocated}. */
  static final class Segment {
    final Path path;
    private final FileChannel ch;
    final long startedNanos;
    long sealedNanos;
    final Set<Long> handles = new HashSet<>();
    // Written under the journal's lock; read by syncs without it.
    volatile long written;
    // Guarded by the journal.
    int pending;
    private long allocated;
    // Group commit, guarded by this segment.
    private long synced;
    private boolean syncing;
    private IOException syncFailure;

    Segment(Path path, FileChannel ch, long startedNanos) {
      this.path = path;
      this.ch = ch;
      this.startedNanos = startedNanos;
    }

    /** Zero-fills the file up to at least {@code upTo} and forces it (size and all). */
    void extend(long upTo) throws IOException {
      ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
      long at = allocated;
      while (at < upTo) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), upTo - at));
        while (zeros.hasRemaining()) {
          at += ch.write(zeros, at);
        }
      }
      ch.force(true);
      allocated = at;
    }

    void write(ByteBuffer rec) throws IOException {
      long end = written + rec.remaining();
      if (end > allocated) {
        extend(Math.max(end, allocated + EXTEND));
      }
      long at = written;
      while (rec.hasRemaining()) {
        at += ch.write(rec, at);
      }
      written = end;
    }

    /** Returns once every byte up to {@code end} is forced; one force serves all waiters. */
    void sync(long end) throws IOException {
      while (true) {
        synchronized (this) {
          while (syncing && synced < end) {
            try {
              wait();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException("interrupted waiting for the journal");
            }
          }
          if (synced >= end) {
            return;
          }
          if (syncFailure != null) {
            // Never retried: a second fsync may succeed without the lost pages being written.
            throw new IOException("journal force failed earlier: " + syncFailure.getMessage(),
                syncFailure);
          }
          syncing = true;
        }
        // Everything written so far is covered by this force ({@code written} only grows, and
        // only after the bytes are in the file).
        long target = written;
        IOException err = null;
        try {
          ch.force(false);
        } catch (IOException e) {
          err = e;
        }
        synchronized (this) {
          syncing = false;
          if (err == null) {
            synced = Math.max(synced, target);
          } else {
            syncFailure = err;
          }
          notifyAll();
        }
        if (err != null) {
          throw err;
        }
      }
    }

    void discard() throws IOException {
      closeQuietly();
      Files.deleteIfExists(path);
    }

    void closeQuietly() {
      try {
        ch.close();
      } catch (IOException e) {
        // Closing after its records are forced or abandoned: nothing to lose.
      }
    }
  }
}
