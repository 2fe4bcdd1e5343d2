package dev.granary.master.namespace;

import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Sha256;
import java.util.Arrays;

/**
 * Every referenced chunk and its facts: version, length, CRC-based digest (what replicas report
 * and votes compare), SHA-256 (its content address), replication goal and holder count. Files,
 * kept versions, trash entries and snapshots hold only handles; a fact lives here once, so a vote
 * that changes a chunk's digest changes it for every holder at once.
 *
 * <p>The holder count is the number of places in the image that hold the handle (a file's chunk
 * list, a kept version's, a snapshot copy's; a trash entry holds its subtree's files). It is never
 * written to the log or a checkpoint: every operation that adds or drops a holder adjusts it as it
 * is applied, live and in replay alike, and loading a checkpoint rebuilds it by adding the loaded
 * holders (see {@code SHARED_CHUNKS.md}). A handle whose count reaches zero leaves the table and
 * is never referenced again (a commit naming it is refused).
 *
 * <p>Memory, the master's scarcest resource: an open-addressing index (linear probing,
 * backward-shift deletion) maps a handle to a position in dense, paged parallel arrays that hold
 * the facts (68 bytes a chunk, no slack beyond the last page); only the index (12 bytes a slot)
 * pays for the hash table's load factor. A freed chunk's position is filled by the last one. No
 * boxed {@code Long} or entry object per chunk. Handle 0 is never allocated, so it marks a free
 * slot. Not thread-safe. Positions ({@link #find}) are valid until the next change.
 */
final class ChunkTable {
  private static final int PAGE_BITS = 13;
  private static final int PAGE = 1 << PAGE_BITS;
  private static final int MASK = PAGE - 1;
  private static final int SHA_LONGS = 4;
  private static final int MAX_HOLDERS = (1 << 24) - 1;

  // The index: handle -> position.
  private long[] keys;
  private int[] positions;
  // The facts, by position, in pages of PAGE entries.
  private long[][] handles = new long[0][];
  private long[][] versions = new long[0][];
  private long[][] lengths = new long[0][];
  private long[][] digests = new long[0][];
  private long[][] sha = new long[0][];
  /** Holder count (low 24 bits) and goal (high 8 bits). */
  private int[][] meta = new int[0][];
  private int size;

  ChunkTable() {
    keys = new long[1024];
    positions = new int[1024];
  }

  int size() {
    return size;
  }

  /** The position of {@code handle}'s facts, or -1 when it is not referenced. */
  int find(long handle) {
    int i = HandleProbing.slot(keys, handle);
    return keys[i] == 0 ? -1 : positions[i];
  }

  long version(int p) {
    return versions[p >>> PAGE_BITS][p & MASK];
  }

  long length(int p) {
    return lengths[p >>> PAGE_BITS][p & MASK];
  }

  long digest(int p) {
    return digests[p >>> PAGE_BITS][p & MASK];
  }

  Sha256 sha256(int p) {
    long[] page = sha[p >>> PAGE_BITS];
    int at = (p & MASK) * SHA_LONGS;
    return new Sha256(page[at], page[at + 1], page[at + 2], page[at + 3]);
  }

  int goal(int p) {
    return meta[p >>> PAGE_BITS][p & MASK] >>> 24;
  }

  int holders(int p) {
    return meta[p >>> PAGE_BITS][p & MASK] & MAX_HOLDERS;
  }

  ChunkRecord record(int p) {
    return new ChunkRecord(handles[p >>> PAGE_BITS][p & MASK], version(p), length(p), digest(p),
        sha256(p));
  }

  /**
   * Adds a holder of {@code c} with replication {@code goal}: a new handle enters with the
   * record's facts; an existing one keeps its facts (the caller checked they match) and its goal
   * rises to {@code goal} if that is higher (a chunk is kept as safe as its safest holder asks).
   */
  void addHolder(ChunkRecord c, int goal) {
    long handle = c.handle();
    if (handle == 0) {
      throw new IllegalArgumentException("chunk handle 0 is reserved");
    }
    int slot = HandleProbing.slot(keys, handle);
    if (keys[slot] != 0) {
      addHolderAt(positions[slot], goal);
      return;
    }
    if ((size + 1) * 4L > keys.length * 3L) {
      growIndex();
      slot = HandleProbing.slot(keys, handle);
    }
    int p = size++;
    ensurePage(p);
    keys[slot] = handle;
    positions[slot] = p;
    int page = p >>> PAGE_BITS;
    int at = p & MASK;
    handles[page][at] = handle;
    versions[page][at] = c.version();
    lengths[page][at] = c.length();
    digests[page][at] = c.digest();
    Sha256 s = c.sha256();
    int sa = at * SHA_LONGS;
    sha[page][sa] = s.a();
    sha[page][sa + 1] = s.b();
    sha[page][sa + 2] = s.c();
    sha[page][sa + 3] = s.d();
    meta[page][at] = (goal << 24) | 1;
  }

  /** One more holder of the referenced {@code handle} (a snapshot copy, a restored version). */
  void addHolder(long handle, int goal) {
    int p = find(handle);
    if (p < 0) {
      throw new IllegalStateException("chunk " + ChunkHandles.format(handle)
          + " is not referenced");
    }
    addHolderAt(p, goal);
  }

  private void addHolderAt(int p, int goal) {
    int m = meta[p >>> PAGE_BITS][p & MASK];
    int holders = m & MAX_HOLDERS;
    if (holders == MAX_HOLDERS) {
      throw new MetadataException(dev.granary.wire.Status.TOO_LARGE, "chunk "
          + ChunkHandles.format(handles[p >>> PAGE_BITS][p & MASK]) + " already has "
          + MAX_HOLDERS + " holders, the most one chunk may have");
    }
    meta[p >>> PAGE_BITS][p & MASK] = (Math.max(goal, m >>> 24) << 24) | (holders + 1);
  }

  /**
   * Drops one holder of {@code handle}; returns its version when that was the last holder (the
   * handle has left the table: its replicas are garbage), else -1.
   */
  long dropHolder(long handle) {
    int slot = HandleProbing.slot(keys, handle);
    if (keys[slot] == 0) {
      throw new IllegalStateException("chunk " + ChunkHandles.format(handle)
          + " is not referenced");
    }
    int p = positions[slot];
    int m = meta[p >>> PAGE_BITS][p & MASK];
    if ((m & MAX_HOLDERS) > 1) {
      meta[p >>> PAGE_BITS][p & MASK] = m - 1;
      return -1;
    }
    long version = version(p);
    HandleProbing.delete(keys, slot, new HandleProbing.SlotMover() {
      @Override
      public void move(int from, int to) {
        positions[to] = positions[from];
      }

      @Override
      public void clear(int s) {
        positions[s] = 0;
      }
    });
    int last = --size;
    if (p != last) {
      moveFacts(last, p);
      long moved = handles[p >>> PAGE_BITS][p & MASK];
      positions[HandleProbing.slot(keys, moved)] = p;
    }
    return version;
  }

  private void moveFacts(int from, int to) {
    int fp = from >>> PAGE_BITS;
    int fa = from & MASK;
    int tp = to >>> PAGE_BITS;
    int ta = to & MASK;
    handles[tp][ta] = handles[fp][fa];
    versions[tp][ta] = versions[fp][fa];
    lengths[tp][ta] = lengths[fp][fa];
    digests[tp][ta] = digests[fp][fa];
    System.arraycopy(sha[fp], fa * SHA_LONGS, sha[tp], ta * SHA_LONGS, SHA_LONGS);
    meta[tp][ta] = meta[fp][fa];
  }

  /** A vote decided the chunk's content: its length and digest from now on. */
  boolean setContent(long handle, long length, long digest) {
    int p = find(handle);
    if (p < 0) {
      return false;
    }
    lengths[p >>> PAGE_BITS][p & MASK] = length;
    digests[p >>> PAGE_BITS][p & MASK] = digest;
    return true;
  }

  private void ensurePage(int p) {
    int page = p >>> PAGE_BITS;
    if (page >= handles.length) {
      int n = Math.max(page + 1, handles.length * 2);
      handles = Arrays.copyOf(handles, n);
      versions = Arrays.copyOf(versions, n);
      lengths = Arrays.copyOf(lengths, n);
      digests = Arrays.copyOf(digests, n);
      sha = Arrays.copyOf(sha, n);
      meta = Arrays.copyOf(meta, n);
    }
    if (handles[page] != null) {
      return;
    }
    handles[page] = new long[PAGE];
    versions[page] = new long[PAGE];
    lengths[page] = new long[PAGE];
    digests[page] = new long[PAGE];
    sha[page] = new long[PAGE * SHA_LONGS];
    meta[page] = new int[PAGE];
  }

  private void growIndex() {
    long[] oldKeys = keys;
    int[] oldPositions = positions;
    keys = new long[oldKeys.length * 2];
    positions = new int[keys.length];
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = HandleProbing.slot(keys, oldKeys[j]);
        keys[i] = oldKeys[j];
        positions[i] = oldPositions[j];
      }
    }
  }

  /** Calls {@code visitor} for every handle. */
  void forEach(java.util.function.LongConsumer visitor) {
    for (int p = 0; p < size; p++) {
      visitor.accept(handles[p >>> PAGE_BITS][p & MASK]);
    }
  }
}
