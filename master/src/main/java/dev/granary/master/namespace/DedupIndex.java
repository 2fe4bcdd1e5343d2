package dev.granary.master.namespace;

import dev.granary.wire.Sha256;
import java.util.HashMap;
import java.util.Map;

/**
 * With {@code master.dedup}: held chunks by owner, length and SHA-256, so a new chunk of the same
 * owner with the same content is named instead of stored again. Per owner on purpose: matching
 * across owners would tell a user whether anyone stores some content (upload a candidate, watch
 * what is reused), and would let a digest alone stand for bytes the user never had. Derived from
 * the image, never persisted; about 150 bytes per indexed chunk.
 */
final class DedupIndex {
  private final Map<String, Map<String, Long>> byOwner = new HashMap<>();
  /** handle -> (owner, key), to drop a freed chunk. */
  private final Map<Long, String[]> entries = new HashMap<>();

  static String key(long length, Sha256 sha256) {
    return length + ":" + sha256.hex();
  }

  /** Indexes {@code c} under {@code owner} unless it has no SHA-256 or the key is taken. */
  void add(String owner, ChunkRecord c) {
    if (c.sha256().isNone() || entries.containsKey(c.handle())) {
      return;
    }
    String key = key(c.length(), c.sha256());
    if (byOwner.computeIfAbsent(owner, o -> new HashMap<>()).putIfAbsent(key, c.handle())
        == null) {
      entries.put(c.handle(), new String[] {owner, key});
    }
  }

  /** The chunk {@code owner} holds with {@code key}, or null. */
  Long find(String owner, String key) {
    Map<String, Long> m = byOwner.get(owner);
    return m == null ? null : m.get(key);
  }

  /** {@code handle} was freed. */
  void remove(long handle) {
    String[] e = entries.remove(handle);
    if (e != null) {
      Map<String, Long> m = byOwner.get(e[0]);
      m.remove(e[1]);
      if (m.isEmpty()) {
        byOwner.remove(e[0]);
      }
    }
  }
}
