package dev.granary.master.liveness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunkservers the master knows, by id and by ordinal. Nodes are added on registration and
 * never removed while the master runs (a dead node keeps its ordinal for when it returns).
 * Guarded by the master's metadata lock.
 */
public final class NodeRegistry {
  private final Map<String, ChunkserverNode> byId = new HashMap<>();
  private final List<ChunkserverNode> byOrdinal = new ArrayList<>();

  /** Registers (or re-registers) a node: LIVE, pulse time {@code now}, no full report yet. */
  public ChunkserverNode register(String id, String host, int port, long capacity, long used,
      long free, long now) {
    ChunkserverNode n = byId.get(id);
    if (n == null) {
      n = new ChunkserverNode(id, byOrdinal.size());
      byId.put(id, n);
      byOrdinal.add(n);
    }
    n.registered(host, port, capacity, used, free, now);
    return n;
  }

  public ChunkserverNode get(String id) {
    return byId.get(id);
  }

  /** The node whose id or {@code host:port} is {@code idOrAddress}, or null. */
  public ChunkserverNode find(String idOrAddress) {
    ChunkserverNode n = byId.get(idOrAddress);
    if (n != null) {
      return n;
    }
    for (ChunkserverNode c : byOrdinal) {
      if (c.host() != null && c.address().hostPort().equals(idOrAddress)) {
        return c;
      }
    }
    return null;
  }

  public ChunkserverNode byOrdinal(int ordinal) {
    return byOrdinal.get(ordinal);
  }

  public Collection<ChunkserverNode> all() {
    return byOrdinal;
  }

  public int size() {
    return byOrdinal.size();
  }

  public List<ChunkserverNode> live() {
    List<ChunkserverNode> out = new ArrayList<>();
    for (ChunkserverNode n : byOrdinal) {
      if (n.isLive()) {
        out.add(n);
      }
    }
    return out;
  }
}
