package dev.granary.master.namespace;

import dev.granary.wire.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The kept versions of files: for a file that has any, its version number and the files it
 * replaced, newest first, each a holder of its own chunks. A side map keyed by the live file, so
 * a file without versions costs nothing; it follows the file through renames and into the trash
 * (the key is the node, not its path). A file that was never replaced is version 1.
 */
final class Versions {
  /** A file's version number and its older versions, newest first. */
  static final class History {
    long current;
    FileNode[] older;
    long[] numbers;

    History(long current, FileNode[] older, long[] numbers) {
      this.current = current;
      this.older = older;
      this.numbers = numbers;
    }
  }

  /** One version: its number and its file. */
  record Version(long number, FileNode file) {}

  private Namespace ns;
  private final IdentityHashMap<FileNode, History> histories = new IdentityHashMap<>();

  Versions(Namespace ns) {
    this.ns = ns;
  }

  /** These histories, now serving {@code owner} (a namespace taking over another's state). */
  Versions rebind(Namespace owner) {
    this.ns = owner;
    return this;
  }

  /**
   * {@code file} replaces {@code old}: with {@code keep} > 0, {@code old} becomes the newest kept
   * version and the oldest beyond {@code keep} are dropped; with 0 the history ends (the new file
   * starts again at version 1). Dropped files stop holding their chunks (into {@code garbage}).
   */
  void replace(FileNode old, FileNode file, int keep, LongList garbage) {
    History h = histories.remove(old);
    if (keep <= 0) {
      ns.dropHolders(old, garbage);
      dropOlder(h, 0, garbage);
      return;
    }
    long oldNumber = h == null ? 1 : h.current;
    int had = h == null ? 0 : h.older.length;
    int n = Math.min(keep, had + 1);
    FileNode[] older = new FileNode[n];
    long[] numbers = new long[n];
    older[0] = old;
    numbers[0] = oldNumber;
    for (int i = 1; i < n; i++) {
      older[i] = h.older[i - 1];
      numbers[i] = h.numbers[i - 1];
    }
    dropOlder(h, n - 1, garbage);
    histories.put(file, new History(oldNumber + 1, older, numbers));
  }

  /** Drops {@code h}'s older versions from index {@code from} on. */
  private void dropOlder(History h, int from, LongList garbage) {
    if (h == null) {
      return;
    }
    for (int i = from; i < h.older.length; i++) {
      ns.dropHolders(h.older[i], garbage);
    }
  }

  /** {@code file} and all its kept versions stop holding their chunks (a removal). */
  void dropAll(FileNode file, LongList garbage) {
    ns.dropHolders(file, garbage);
    dropOlder(histories.remove(file), 0, garbage);
  }

  /** The handles held by {@code file} and its kept versions (what a delta update may reuse). */
  Set<Long> handlesOf(FileNode file) {
    Set<Long> out = new HashSet<>();
    for (int ci = 0; ci < file.chunkCount(); ci++) {
      long h = file.handle(ci);
      out.add(h);
    }
    History hist = histories.get(file);
    if (hist != null) {
      for (FileNode v : hist.older) {
        for (int ci = 0; ci < v.chunkCount(); ci++) {
          long h = v.handle(ci);
          out.add(h);
        }
      }
    }
    return out;
  }

  /** {@code file}'s versions, newest first, itself (the current contents) first. */
  List<Version> list(FileNode file) {
    History h = histories.get(file);
    List<Version> out = new ArrayList<>();
    out.add(new Version(h == null ? 1 : h.current, file));
    if (h != null) {
      for (int i = 0; i < h.older.length; i++) {
        out.add(new Version(h.numbers[i], h.older[i]));
      }
    }
    return out;
  }

  /**
   * Version {@code number} of {@code file} (its current number gives the file itself).
   *
   * @throws MetadataException NOT_FOUND naming {@code path} when there is no such version
   */
  FileNode version(FileNode file, long number, String path) {
    for (Version v : list(file)) {
      if (v.number() == number) {
        return v.file();
      }
    }
    throw new MetadataException(Status.NOT_FOUND, "'" + path + "' has no version " + number
        + " (see granary versions " + path + ")");
  }

  /** {@code file}'s history, or null (for checkpoints). */
  History history(FileNode file) {
    return histories.get(file);
  }

  /** Loading a checkpoint: {@code file}'s history (its older versions already hold their chunks). */
  void adopt(FileNode file, History history) {
    histories.put(file, history);
  }
}
