package dev.granary.master.namespace;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What users removed under a trash policy, per user, oldest first: each entry is the removed node
 * (a file or a whole subtree, still holding its chunks and its files' kept versions), where it was
 * and until when it is kept. Not a visible directory, so it needs no permission rules of its own:
 * each user sees, restores and empties only their own.
 */
final class TrashBin {
  /** One removal. */
  static final class Entry {
    final String user;
    final String path;
    final long deleted;
    final long expires;
    final Inode node;

    Entry(String user, String path, long deleted, long expires, Inode node) {
      this.user = user;
      this.path = path;
      this.deleted = deleted;
      this.expires = expires;
      this.node = node;
    }
  }

  private final Map<String, List<Entry>> byUser = new TreeMap<>();
  /**
   * The earliest expiry, or -1 when it must be found again (the master asks every tick, under the
   * read lock: concurrent readers may both compute it, to the same value).
   */
  private volatile long next = Long.MAX_VALUE;

  void add(Entry e) {
    byUser.computeIfAbsent(e.user, u -> new ArrayList<>()).add(e);
    next = next < 0 ? -1 : Math.min(next, e.expires);
  }

  /** {@code user}'s entries, oldest first. */
  List<Entry> of(String user) {
    return List.copyOf(byUser.getOrDefault(user, List.of()));
  }

  /** Removes and returns {@code user}'s newest entry for {@code path}, or null. */
  Entry takeNewest(String user, String path) {
    List<Entry> list = byUser.get(user);
    if (list == null) {
      return null;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).path.equals(path)) {
        Entry e = list.remove(i);
        next = -1;
        if (list.isEmpty()) {
          byUser.remove(user);
        }
        return e;
      }
    }
    return null;
  }

  /** Removes and returns all of {@code user}'s entries. */
  List<Entry> takeAll(String user) {
    List<Entry> list = byUser.remove(user);
    next = -1;
    return list == null ? List.of() : list;
  }

  /** Removes and returns every entry that expires at or before {@code time}. */
  List<Entry> takeExpired(long time) {
    next = -1;
    List<Entry> out = new ArrayList<>();
    for (Iterator<List<Entry>> it = byUser.values().iterator(); it.hasNext(); ) {
      List<Entry> list = it.next();
      list.removeIf(e -> {
        if (e.expires <= time) {
          out.add(e);
          return true;
        }
        return false;
      });
      if (list.isEmpty()) {
        it.remove();
      }
    }
    return out;
  }

  /** The earliest expiry of any entry, or {@code Long.MAX_VALUE}. */
  long nextExpiry() {
    if (next < 0) {
      long found = Long.MAX_VALUE;
      for (List<Entry> list : byUser.values()) {
        for (Entry e : list) {
          found = Math.min(found, e.expires);
        }
      }
      next = found;
    }
    return next;
  }

  /** Every entry, user by user, oldest first (for checkpoints). */
  void forEach(Consumer<Entry> visitor) {
    byUser.values().forEach(list -> list.forEach(visitor));
  }
}
