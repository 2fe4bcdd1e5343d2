package dev.granary.cli;

import dev.granary.client.ClusterStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code granary cluster [--json]}: chunkservers, their state and space, and chunk health. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    subcommands = {HeldDeletionsCommand.Release.class, HeldDeletionsCommand.Discard.class,
        RotateJoinTokenCommand.class},
    description = "Show the chunkservers (state, space, chunks) and the cluster's chunk counts, "
        + "including re-replication progress.")
final class ClusterCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Option(names = "--json", description = "JSON object (shape in the README).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      ClusterStatus st = c.clusterStatus();
      if (json) {
        out.println(Json.write(toJson(st)));
      } else {
        render(st, out);
      }
      out.flush();
      return 0;
    }
  }

  static Map<String, Object> toJson(ClusterStatus st) {
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (NodeStatus n : st.nodes()) {
      nodes.add(nodeJson(n));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("masterId", st.masterId());
    m.put("clusterId", st.clusterId());
    m.put("chunkservers", nodes);
    m.put("files", st.files());
    m.put("directories", st.directories());
    m.put("chunks", st.chunks());
    m.put("underReplicated", st.underReplicated());
    m.put("overReplicated", st.overReplicated());
    m.put("missing", st.missing());
    m.put("corrupt", st.corrupt());
    m.put("replicationQueue", st.replicationQueue());
    m.put("replicationsInFlight", st.replicationsInFlight());
    m.put("locationsComplete", st.locationsComplete());
    m.put("uptimeMillis", st.uptimeMillis());
    m.put("deletionsHeld", st.deletionsHeld());
    m.put("readOnly", st.readOnly());
    return m;
  }

  /**
   * One chunkserver's entry; a node being decommissioned adds
   * {@code "decommission": {"since", "replicasLeft"}}.
   */
  static Map<String, Object> nodeJson(NodeStatus n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("address", n.address());
    m.put("state", n.state());
    m.put("usedBytes", n.usedBytes());
    m.put("capacityBytes", n.capacityBytes());
    m.put("freeBytes", n.freeBytes());
    m.put("chunks", n.chunks());
    m.put("millisSinceLastPulse", n.millisSinceLastPulse());
    m.put("activeTransfers", n.activeTransfers());
    if (n.decommissioning()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("since", n.decommissionSince());
      d.put("replicasLeft", n.replicasLeft());
      m.put("decommission", d);
    }
    return m;
  }

  static void render(ClusterStatus st, PrintWriter out) {
    long live = st.nodes().stream().filter(n -> n.state().equals("LIVE")).count();
    out.printf("master %s (cluster %s): %d chunkservers (%d live), %d files, %d directories, "
        + "%d chunks%n", st.masterId(), st.clusterId(), st.nodes().size(), live, st.files(), st.directories(), st.chunks());
    out.printf("%-40s %-22s %-15s %10s %10s %8s%n", "ID", "ADDRESS", "STATE", "USED",
        "CAPACITY", "CHUNKS");
    for (NodeStatus n : st.nodes()) {
      out.printf("%-40s %-22s %-15s %10s %10s %8d%s%n", n.id(), n.address(), n.state(),
          Human.bytes(n.usedBytes()), Human.bytes(n.capacityBytes()), n.chunks(),
          n.decommissioning() ? "  (decommissioning: " + n.replicasLeft() + " replicas left)"
              : "");
    }
    out.printf("under-replicated %d, over-replicated %d, missing %d, corrupt %d; "
        + "re-replication: %d queued, %d in flight%n", st.underReplicated(), st.overReplicated(),
        st.missing(), st.corrupt(), st.replicationQueue(), st.replicationsInFlight());
    if (!st.locationsComplete()) {
      out.println("replica locations are still being rebuilt from chunkserver reports");
    }
    if (st.deletionsHeld() > 0) {
      out.printf("%d replica deletions HELD: most of a chunkserver's replicas looked like garbage "
          + "at once. Check the master's data dir, then 'granary cluster release-deletions' or "
          + "'granary cluster discard-deletions'%n", st.deletionsHeld());
    }
    if (st.readOnly()) {
      out.println("the master is READ-ONLY: it cannot write its operation log (see its log); "
          + "reads are served, mutations refused until it can");
    }
  }
}
