package dev.granary.client.app;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory fake's policies, kept versions, snapshots and trash, with the master's rules: the
 * nearest directory's setting applies; {@code put} with overwrite keeps up to keepVersions
 * replaced contents; a snapshot copies a tree's contents (the fake has no chunks to share); a
 * delete under a trash policy keeps the tree until it expires. Not thread-safe: the client holds
 * its lock around every call.
 */
final class InMemoryRetention {
  /** One kept or current version of a file. */
  record Version(long number, byte[] data, long modified) {}

  /** A snapshot: its description and the tree, by path relative to the directory ("" itself). */
  record Snapshot(SnapshotInfo info, Map<String, byte[]> tree) {}

  /** A trashed tree: its entry and its contents by absolute path. */
  record Trashed(TrashEntry entry, Map<String, byte[]> tree) {}

  /** Directory to key to value. */
  private final Map<String, Map<String, String>> policies = new HashMap<>();
  /** File to its current version number (1 when first written). */
  private final Map<String, Version> current = new HashMap<>();
  /** File to its replaced versions, newest first. */
  private final Map<String, LinkedList<Version>> kept = new HashMap<>();
  /** Directory to its snapshots by name, oldest first. */
  private final Map<String, LinkedHashMap<String, Snapshot>> snapshots = new HashMap<>();
  /** The caller's trash, in deletion order. */
  private final List<Trashed> trash = new ArrayList<>();

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  static boolean under(String p, String root) {
    return p.equals(root) || p.startsWith(root.equals("/") ? "/" : root + "/");
  }

  // ---------------------------------------------------------------- policies

  /** The effective settings at directory {@code dir}: nearest first wins. */
  DirectoryPolicy policy(String dir) {
    List<DirectoryPolicy.Setting> out = new ArrayList<>();
    for (String key : DirectoryPolicy.KEYS) {
      for (String d = dir; ; d = parent(d)) {
        String v = policies.getOrDefault(d, Map.of()).get(key);
        if (v != null) {
          out.add(new DirectoryPolicy.Setting(key, v, d));
          break;
        }
        if (d.equals("/")) {
          break;
        }
      }
    }
    return new DirectoryPolicy(dir, out);
  }

  void set(String dir, Map<String, String> settings) {
    Map<String, String> mine = policies.computeIfAbsent(dir, d -> new HashMap<>());
    settings.forEach((k, v) -> {
      if (v.isEmpty()) {
        mine.remove(k);
      } else {
        mine.put(k, v);
      }
    });
  }

  // ---------------------------------------------------------------- versions

  /** Records that {@code path} now holds {@code data}, keeping what it replaced per policy. */
  void written(String path, byte[] data, long now) {
    Version old = current.get(path);
    long number = old == null ? 1 : old.number() + 1;
    current.put(path, new Version(number, data, now));
    int keep = policy(parent(path)).keepVersions().orElse(0);
    LinkedList<Version> mine = kept.computeIfAbsent(path, p -> new LinkedList<>());
    if (old != null && keep > 0) {
      mine.addFirst(old);
    }
    while (mine.size() > keep) {
      mine.removeLast();
    }
  }

  List<FileVersion> versions(String path) {
    List<FileVersion> out = new ArrayList<>();
    Version c = current.get(path);
    out.add(new FileVersion(c.number(), c.data().length, c.modified()));
    for (Version v : kept.getOrDefault(path, new LinkedList<>())) {
      out.add(new FileVersion(v.number(), v.data().length, v.modified()));
    }
    return out;
  }

  long modified(String path) {
    Version c = current.get(path);
    return c == null ? 0 : c.modified();
  }

  /** The bytes of {@code version} of {@code path} (0: current). */
  byte[] read(String path, long version) throws NotFoundException {
    Version c = current.get(path);
    if (version == 0 || version == c.number()) {
      return c.data();
    }
    for (Version v : kept.getOrDefault(path, new LinkedList<>())) {
      if (v.number() == version) {
        return v.data();
      }
    }
    throw new NotFoundException(path + ": no version " + version + " (see versions)");
  }

  // ---------------------------------------------------------------- moves and deletes

  /** Forgets the versions, policies of everything under {@code root} (deleted for good). */
  void forget(String root) {
    current.keySet().removeIf(p -> under(p, root));
    kept.keySet().removeIf(p -> under(p, root));
    policies.keySet().removeIf(p -> under(p, root));
  }

  /** Moves the versions, policies and snapshots under {@code from} to {@code to}. */
  void moved(String from, String to) {
    for (Map<String, ?> m : List.of(current, kept, policies, snapshots)) {
      move(m, from, to);
    }
  }

  private static <V> void move(Map<String, V> m, String from, String to) {
    Map<String, V> moved = new HashMap<>();
    m.entrySet().removeIf(e -> {
      if (under(e.getKey(), from)) {
        moved.put(to + e.getKey().substring(from.length()), e.getValue());
        return true;
      }
      return false;
    });
    m.putAll(moved);
  }

  /** The snapshots of directories under {@code root}, as a refusal to delete it; or null. */
  String snapshotsUnder(String root) {
    for (var e : snapshots.entrySet()) {
      if (under(e.getKey(), root) && !e.getValue().isEmpty()) {
        return e.getKey() + " has " + e.getValue().size() + " snapshot(s); delete them first";
      }
    }
    return null;
  }

  /** How long a delete of {@code path} keeps it in the trash (0: none). */
  long trashMillis(String path, boolean directory) {
    return policy(directory ? path : parent(path)).trash().map(d -> d.toMillis()).orElse(0L);
  }

  void trash(TrashEntry entry, Map<String, byte[]> tree) {
    trash.add(new Trashed(entry, tree));
  }

  // ---------------------------------------------------------------- trash

  /** The trash as of {@code now}, soonest to expire first; expired entries are gone. */
  List<Trashed> trashed(long now) {
    trash.removeIf(t -> t.entry().expiresMillis() <= now);
    List<Trashed> out = new ArrayList<>(trash);
    out.sort((a, b) -> Long.compare(a.entry().expiresMillis(), b.entry().expiresMillis()));
    return out;
  }

  /** Takes the latest entry deleted from {@code path} out of the trash. */
  Trashed takeFromTrash(String path, long now) throws NotFoundException {
    trashed(now);
    for (int i = trash.size() - 1; i >= 0; i--) {
      if (trash.get(i).entry().path().equals(path)) {
        return trash.remove(i);
      }
    }
    throw new NotFoundException(path + ": not in your trash");
  }

  List<Trashed> emptyTrash(long now) {
    List<Trashed> out = trashed(now);
    trash.clear();
    return out;
  }

  // ---------------------------------------------------------------- snapshots

  SnapshotInfo createSnapshot(String dir, String name, Map<String, byte[]> tree, long now)
      throws GranaryException {
    LinkedHashMap<String, Snapshot> mine = snapshots.computeIfAbsent(dir,
        d -> new LinkedHashMap<>());
    if (mine.containsKey(name)) {
      throw new AlreadyExistsException(snapshotPath(dir, name) + ": snapshot exists");
    }
    if (mine.size() == 100) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.TOO_LARGE,
          dir + ": already has 100 snapshots", null);
    }
    SnapshotInfo info = new SnapshotInfo(name, snapshotPath(dir, name), now);
    mine.put(name, new Snapshot(info, new TreeMap<>(tree)));
    return info;
  }

  SnapshotInfo deleteSnapshot(String dir, String name) throws NotFoundException {
    Snapshot s = snapshots.getOrDefault(dir, new LinkedHashMap<>()).remove(name);
    if (s == null) {
      throw new NotFoundException(snapshotPath(dir, name) + ": no such snapshot");
    }
    return s.info();
  }

  List<SnapshotInfo> snapshots(String dir) {
    return snapshots.getOrDefault(dir, new LinkedHashMap<>()).values().stream()
        .map(Snapshot::info).toList();
  }

  /** The snapshot of {@code dir} called {@code name}, or null. */
  Snapshot snapshot(String dir, String name) {
    return snapshots.getOrDefault(dir, new LinkedHashMap<>()).get(name);
  }

  static String snapshotPath(String dir, String name) {
    return (dir.equals("/") ? "" : dir) + "/.snapshot/" + name;
  }
}
