package dev.granary.client.internal;

import dev.granary.wire.msg.NodeAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests this client has outstanding per chunkserver, for picking the least-loaded replica (ties
 * broken at random, so equal replicas share the load).
 */
public final class LoadTracker {
  private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();

  private AtomicInteger counter(NodeAddress node) {
    return outstanding.computeIfAbsent(node.hostPort(), k -> new AtomicInteger());
  }

  public void begin(NodeAddress node) {
    counter(node).incrementAndGet();
  }

  public void end(NodeAddress node) {
    counter(node).decrementAndGet();
  }

  public int load(NodeAddress node) {
    AtomicInteger c = outstanding.get(node.hostPort());
    return c == null ? 0 : c.get();
  }

  /** The candidate with the fewest outstanding requests (random among ties), or null if none. */
  public NodeAddress pick(Collection<NodeAddress> candidates) {
    List<NodeAddress> best = new ArrayList<>();
    int min = Integer.MAX_VALUE;
    for (NodeAddress n : candidates) {
      int l = load(n);
      if (l < min) {
        min = l;
        best.clear();
      }
      if (l == min) {
        best.add(n);
      }
    }
    return best.isEmpty() ? null : best.get(ThreadLocalRandom.current().nextInt(best.size()));
  }
}
