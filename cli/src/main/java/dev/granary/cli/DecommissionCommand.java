package dev.granary.cli;

import dev.granary.client.ClusterStatus;
import dev.granary.client.JsonViews;
import dev.granary.client.DecommissionResult;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code granary decommission NODE [--wait] [--json]}: the superuser takes a chunkserver out of
 * service. Its replicas are copied until each chunk has its goal on other nodes; then it is
 * DECOMMISSIONED and may be switched off. With {@code --wait}, follows the progress until then, and
 * fails (exit 4) if the node dies, is recommissioned, or stays unregistered meanwhile.
 */
@Command(name = "decommission", mixinStandardHelpOptions = true,
    description = "Take a chunkserver out of service (superuser): it gets no new chunks and its "
        + "replicas are copied to other nodes; then it is DECOMMISSIONED and can be switched off.")
final class DecommissionCommand implements Callable<Integer> {
  /** How often --wait asks the master (it counts progress once a second). */
  static final Duration POLL = Duration.ofMillis(500);
  /** How long --wait tolerates the node missing from the master's list (a master restart). */
  static final Duration UNREGISTERED_GRACE = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "A chunkserver id or host:port.")
  String node;

  @Option(names = "--wait", description = "Wait until the node is DECOMMISSIONED, printing "
      + "progress.")
  boolean await;

  @Option(names = "--json", description = "Print the node as 'cluster --json' shows it.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      DecommissionResult r = c.decommission(node);
      NodeStatus n = r.node();
      if (!json) {
        out.println(describe(n, r.changed() ? "" : " (already)"));
        out.flush();
      }
      if (await) {
        n = awaitDecommissioned(c, n, out);
      }
      if (json) {
        out.println(Json.write(JsonViews.node(n)));
      }
      out.flush();
      return 0;
    }
  }

  /** One line: the node, its state, and what is left. */
  static String describe(NodeStatus n, String note) {
    String who = n.id() + (n.host().isEmpty() ? "" : " (" + n.address() + ")");
    return switch (n.state()) {
      case "DECOMMISSIONING" -> "chunkserver " + who + " is DECOMMISSIONING" + note + ": "
          + n.replicasLeft() + " replica" + (n.replicasLeft() == 1 ? "" : "s")
          + " still to copy to other nodes";
      case "DECOMMISSIONED" -> "chunkserver " + who + " is DECOMMISSIONED" + note + ": every "
          + "chunk it holds has its goal on other nodes; it can be switched off";
      default -> "chunkserver " + who + " is " + n.state() + note
          + (n.decommissioning() ? " (to be decommissioned when it is back)" : "");
    };
  }

  private NodeStatus awaitDecommissioned(GranaryClient c, NodeStatus first, PrintWriter out)
      throws Exception {
    NodeStatus n = first;
    String shown = json ? "" : describe(first, "");
    long missingSince = -1;
    while (!n.state().equals("DECOMMISSIONED")) {
      if (n.state().equals("DEAD")) {
        throw new CliException(Failures.UNAVAILABLE, "chunkserver " + n.id() + " died while "
            + "being decommissioned: its replicas are re-replicated as for any dead node, and it "
            + "is DECOMMISSIONING again if it comes back");
      }
      if (!n.decommissioning()) {
        throw new CliException(Failures.UNAVAILABLE, "chunkserver " + n.id() + " was "
            + "recommissioned while waiting for it to be decommissioned (it is " + n.state()
            + ")");
      }
      Thread.sleep(POLL.toMillis());
      NodeStatus now = find(c.clusterStatus(), n.id());
      if (now == null) {
        long t = System.nanoTime();
        missingSince = missingSince < 0 ? t : missingSince;
        if (t - missingSince > UNREGISTERED_GRACE.toNanos()) {
          throw new CliException(Failures.UNAVAILABLE, "chunkserver " + n.id() + " has not been"
              + " registered with the master for " + UNREGISTERED_GRACE.toSeconds() + " s (is it"
              + " running?); it stays decommissioning: see 'granary cluster'");
        }
        continue;
      }
      missingSince = -1;
      n = now;
      String line = describe(n, "");
      if (!json && !line.equals(shown)) {
        out.println(line);
        out.flush();
        shown = line;
      }
    }
    return n;
  }

  private static NodeStatus find(ClusterStatus st, String id) {
    for (NodeStatus n : st.nodes()) {
      if (n.id().equals(id)) {
        return n;
      }
    }
    return null;
  }
}
