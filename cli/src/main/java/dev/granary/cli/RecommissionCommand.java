package dev.granary.cli;

import dev.granary.client.DecommissionResult;
import dev.granary.client.JsonViews;
import dev.granary.client.GranaryClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code granary recommission NODE [--json]}: the superuser puts a chunkserver back in service,
 * undoing {@code decommission}; chunks above their goal are then trimmed as usual.
 */
@Command(name = "recommission", mixinStandardHelpOptions = true,
    description = "Put a decommissioning or decommissioned chunkserver back in service "
        + "(superuser).")
final class RecommissionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "A chunkserver id or host:port.")
  String node;

  @Option(names = "--json", description = "Print the node as 'cluster --json' shows it.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      DecommissionResult r = c.recommission(node);
      if (json) {
        out.println(Json.write(JsonViews.node(r.node())));
      } else {
        out.println(DecommissionCommand.describe(r.node(), r.changed() ? " (back in service)"
            : " (it was not being decommissioned)"));
      }
      out.flush();
      return 0;
    }
  }
}
