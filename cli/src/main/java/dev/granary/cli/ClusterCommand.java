package dev.granary.cli;

import dev.granary.client.ClusterStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.JsonViews;
import dev.granary.client.NodeStatus;
import java.io.PrintWriter;
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
        out.println(Json.write(JsonViews.cluster(st)));
      } else {
        render(st, out);
      }
      out.flush();
      return 0;
    }
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
