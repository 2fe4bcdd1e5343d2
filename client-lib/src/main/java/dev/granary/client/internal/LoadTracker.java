package dev.granary.client.internal;

import dev.granary.wire.msg.NodeAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests this client has outstanding per chunkserver, for picking the replica to read from.
 *
 * <p>The first location the master lists is preferred: it is the pipeline head, the one replica
 * its chunkserver keeps in the page cache (downstream replicas are written around it), so a read
 * there is served from memory where another replica may have to go to the disk. Load still
 * spreads: a busy client moves to the least-loaded other replica once it has {@link #SPREAD} more
 * requests outstanding at the first than there, and across clients and chunks the heads are spread
 * by the master's placement.
 */
final class LoadTracker {
  /**
   * How many more outstanding requests the first replica may have than the least-loaded other
   * before a read goes elsewhere: more than one sequential reader keeps open (a stream of the
   * chunk being read and one of the next), so a lone reader stays on the cached replica.
   */
  static final int SPREAD = 8;

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

  /**
   * The first candidate unless it has {@link #SPREAD} or more outstanding requests beyond the
   * least-loaded other one; then that other one (random among equals). Null if none.
   */
  public NodeAddress pick(List<NodeAddress> candidates) {
    if (candidates.isEmpty()) {
      return null;
    }
    NodeAddress first = candidates.get(0);
    List<NodeAddress> best = new ArrayList<>();
    int min = Integer.MAX_VALUE;
    for (NodeAddress n : candidates.subList(1, candidates.size())) {
      int l = load(n);
      if (l < min) {
        min = l;
        best.clear();
      }
      if (l == min) {
        best.add(n);
      }
    }
    if (best.isEmpty() || load(first) - min < SPREAD) {
      return first;
    }
    return best.get(ThreadLocalRandom.current().nextInt(best.size()));
  }
}
