package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.Namespace;
import dev.granary.wire.ChunkHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Classifies the chunks of the files under a path by their live replicas against the goal, for
 * {@code fsck} and {@code cluster}. A replica on a node being decommissioned is live (it serves
 * reads, and it is there until the operator switches the node off), so a chunk whose extra copies
 * are still being made is not under-replicated; but it does not make a chunk over-replicated,
 * since it is not trimmed. Guarded by the master's metadata lock (read).
 */
final class HealthScanner {
  static final int MAX_PROBLEMS = 100;

  /** Counts over the scanned chunks and up to {@link #MAX_PROBLEMS} findings. */
  record Health(long files, long chunks, long healthy, long underReplicated, long overReplicated,
      long corrupt, long missing, List<String> problems) {}

  private final Namespace namespace;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final Set<Long> corrupt;

  HealthScanner(Namespace namespace, NodeRegistry registry, ReplicaMap replicas,
      Set<Long> corrupt) {
    this.namespace = namespace;
    this.registry = registry;
    this.replicas = replicas;
    this.corrupt = corrupt;
  }

  Health scan(String path) {
    long[] c = new long[7];
    List<String> problems = new ArrayList<>();
    // A chunk several files share is counted and judged once (the first file that holds it).
    Set<Long> shared = new java.util.HashSet<>();
    namespace.forEachFile(path, (p, f) -> {
      c[0]++;
      for (int i = 0; i < f.chunkCount(); i++) {
        long h = f.handle(i);
        if (namespace.holders(h) > 1 && !shared.add(h)) {
          continue;
        }
        classify(p, f, i, c, problems);
      }
    });
    return new Health(c[0], c[1], c[2], c[3], c[4], c[5], c[6], problems);
  }

  private void classify(String path, FileNode f, int i, long[] c, List<String> problems) {
    long h = f.handle(i);
    c[1]++;
    int live = 0;
    int inService = 0;
    for (int o : replicas.holders(h)) {
      ChunkserverNode n = registry.byOrdinal(o);
      if (n.isLive()) {
        live++;
        if (n.inService()) {
          inService++;
        }
      }
    }
    int goal = namespace.goal(h);
    String problem = null;
    if (live == 0) {
      c[6]++;
      problem = "missing: no live replica";
    } else if (live < goal) {
      c[3]++;
      problem = "under-replicated: " + live + " of " + goal + " replicas";
    } else if (inService > goal) {
      c[4]++;
      problem = "over-replicated: " + inService + " replicas, goal " + goal;
    } else {
      c[2]++;
    }
    if (corrupt.contains(h)) {
      c[5]++;
      problem = (problem == null ? "" : problem + "; ") + "a corrupt replica is being replaced";
    }
    if (problem != null && problems.size() < MAX_PROBLEMS) {
      problems.add(path + " chunk " + i + " " + ChunkHandles.format(h) + ": " + problem);
    }
  }
}
