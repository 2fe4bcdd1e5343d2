package dev.granary.master.namespace;

import dev.granary.wire.Sha256;

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
 * <p>An open-addressing table (linear probing, backward-shift deletion) over parallel arrays: no
 * boxed {@code Long} or entry object per chunk. Handle 0 is never allocated, so it marks a free
 * slot. Not thread-safe.
 */
final class ChunkTable {
  private static final int SHA_LONGS = 4;
  private long[] keys;
  private long[] versions;
  private long[] lengths;
  private long[] digests;
  private long[] sha;
  private int[] holders;
  private byte[] goals;
  private int size;

  ChunkTable() {
    allocate(1024);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    versions = new long[capacity];
    lengths = new long[capacity];
    digests = new long[capacity];
    sha = new long[capacity * SHA_LONGS];
    holders = new int[capacity];
    goals = new byte[capacity];
  }

  int size() {
    return size;
  }

  /** The slot of {@code handle}, or -1 when it is not referenced. */
  int find(long handle) {
    int i = HandleProbing.slot(keys, handle);
    return keys[i] == 0 ? -1 : i;
  }

  long version(int slot) {
    return versions[slot];
  }

  long length(int slot) {
    return lengths[slot];
  }

  long digest(int slot) {
    return digests[slot];
  }

  Sha256 sha256(int slot) {
    int at = slot * SHA_LONGS;
    return new Sha256(sha[at], sha[at + 1], sha[at + 2], sha[at + 3]);
  }

  int goal(int slot) {
    return goals[slot] & 0xff;
  }

  int holders(int slot) {
    return holders[slot];
  }

  ChunkRecord record(int slot) {
    return new ChunkRecord(keys[slot], versions[slot], lengths[slot], digests[slot],
        sha256(slot));
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
    if ((size + 1) * 4L > keys.length * 3L) {
      grow();
    }
    int i = HandleProbing.slot(keys, handle);
    if (keys[i] == 0) {
      size++;
      keys[i] = handle;
      versions[i] = c.version();
      lengths[i] = c.length();
      digests[i] = c.digest();
      Sha256 s = c.sha256();
      int at = i * SHA_LONGS;
      sha[at] = s.a();
      sha[at + 1] = s.b();
      sha[at + 2] = s.c();
      sha[at + 3] = s.d();
      holders[i] = 1;
      goals[i] = (byte) goal;
      return;
    }
    holders[i]++;
    if (goal > (goals[i] & 0xff)) {
      goals[i] = (byte) goal;
    }
  }

  /** One more holder of the referenced {@code handle} (a snapshot copy, a restored version). */
  void addHolder(long handle, int goal) {
    int i = find(handle);
    if (i < 0) {
      throw new IllegalStateException("chunk " + dev.granary.wire.ChunkHandles.format(handle)
          + " is not referenced");
    }
    holders[i]++;
    if (goal > (goals[i] & 0xff)) {
      goals[i] = (byte) goal;
    }
  }

  /**
   * Drops one holder of {@code handle}; returns its version when that was the last holder (the
   * handle has left the table: its replicas are garbage), else -1.
   */
  long dropHolder(long handle) {
    int i = find(handle);
    if (i < 0) {
      throw new IllegalStateException("chunk " + dev.granary.wire.ChunkHandles.format(handle)
          + " is not referenced");
    }
    if (--holders[i] > 0) {
      return -1;
    }
    long version = versions[i];
    size--;
    HandleProbing.delete(keys, i, new HandleProbing.SlotMover() {
      @Override
      public void move(int from, int to) {
        versions[to] = versions[from];
        lengths[to] = lengths[from];
        digests[to] = digests[from];
        System.arraycopy(sha, from * SHA_LONGS, sha, to * SHA_LONGS, SHA_LONGS);
        holders[to] = holders[from];
        goals[to] = goals[from];
      }

      @Override
      public void clear(int slot) {
        holders[slot] = 0;
      }
    });
    return version;
  }

  /** A vote decided the chunk's content: its length and digest from now on. */
  boolean setContent(long handle, long length, long digest) {
    int i = find(handle);
    if (i < 0) {
      return false;
    }
    lengths[i] = length;
    digests[i] = digest;
    return true;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldVersions = versions;
    long[] oldLengths = lengths;
    long[] oldDigests = digests;
    long[] oldSha = sha;
    int[] oldHolders = holders;
    byte[] oldGoals = goals;
    allocate(keys.length * 2);
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = HandleProbing.slot(keys, oldKeys[j]);
        keys[i] = oldKeys[j];
        versions[i] = oldVersions[j];
        lengths[i] = oldLengths[j];
        digests[i] = oldDigests[j];
        System.arraycopy(oldSha, j * SHA_LONGS, sha, i * SHA_LONGS, SHA_LONGS);
        holders[i] = oldHolders[j];
        goals[i] = oldGoals[j];
      }
    }
  }

  /** Calls {@code visitor} for every handle. */
  void forEach(java.util.function.LongConsumer visitor) {
    for (long k : keys) {
      if (k != 0) {
        visitor.accept(k);
      }
    }
  }
}
