package dev.granary.cli;

import dev.granary.client.BalanceStatus;
import dev.granary.client.GranaryClient;
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

/**
 * {@code granary balance [--threshold PCT] [--wait] [--json]}: starts a balancing pass now
 * (superuser) and shows each chunkserver's used fraction against the cluster's; with
 * {@code --wait}, shows progress until every node is within the threshold and no move is in
 * flight.
 */
@Command(name = "balance", mixinStandardHelpOptions = true,
    description = "Even out the chunkservers' disk usage now, and show it (superuser).")
final class BalanceCommand implements Callable<Integer> {
  /** How often --wait asks the master again. */
  static final long POLL_MILLIS = 1_000;

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Option(names = "--threshold", paramLabel = "PCT",
      description = "Percentage points a node may differ from the cluster's used fraction, for"
          + " this pass (1-100; default: master.balanceThreshold).")
  Integer threshold;

  @Option(names = "--wait", description = "Wait until balanced, showing progress.")
  boolean await;

  @Option(names = "--json", description = "JSON object (shape in the README).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (threshold != null && (threshold < 1 || threshold > 100)) {
      throw new CliException(Failures.USAGE, "invalid --threshold " + threshold
          + ": expected a percentage between 1 and 100");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      BalanceStatus st = c.balance(threshold == null ? 0 : threshold, true);
      if (!json) {
        print(out, st);
      }
      while (await && !(st.balanced() && st.movesInFlight() == 0)) {
        Thread.sleep(POLL_MILLIS);
        st = c.balance(0, false);
        if (!json) {
          out.printf("balancing: %s, %d move%s in flight, %s moved%n", spread(st),
              st.movesInFlight(), st.movesInFlight() == 1 ? "" : "s",
              Human.bytes(st.bytesMoved()));
          out.flush();
        }
      }
      if (json) {
        out.println(Json.write(toJson(st)));
      } else if (await) {
        print(out, st);
      }
      out.flush();
      return 0;
    }
  }

  /** The widest distance of a node from the cluster's used fraction. */
  private static String spread(BalanceStatus st) {
    double worst = 0;
    for (BalanceStatus.Node n : st.nodes()) {
      worst = Math.max(worst, Math.abs(n.usedPct() - st.usedPct()));
    }
    return String.format("widest %.1f points from the cluster's %.1f%% (threshold %d)", worst,
        st.usedPct(), st.thresholdPct());
  }

  private static void print(PrintWriter out, BalanceStatus st) {
    out.printf("cluster %.1f%% used (%s of %s), threshold %d percentage points%s%n",
        st.usedPct(), Human.bytes(st.usedBytes()), Human.bytes(st.capacityBytes()),
        st.thresholdPct(), st.passRunning() ? ", pass running" : "");
    for (BalanceStatus.Node n : st.nodes()) {
      double d = n.usedPct() - st.usedPct();
      String where = Math.abs(d) <= st.thresholdPct() ? "" : d > 0 ? "  over" : "  under";
      out.printf("  %-24s %5.1f%% %+6.1f%s%n", n.id(), n.usedPct(), d, where);
    }
    out.printf("%s; %d move%s in flight, %s moved since the master started%n",
        st.balanced() ? "balanced" : "not balanced", st.movesInFlight(),
        st.movesInFlight() == 1 ? "" : "s", Human.bytes(st.bytesMoved()));
  }

  static Map<String, Object> toJson(BalanceStatus st) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("thresholdPct", st.thresholdPct());
    m.put("passRunning", st.passRunning());
    m.put("usedBytes", st.usedBytes());
    m.put("capacityBytes", st.capacityBytes());
    m.put("usedPct", Math.round(st.usedPct() * 100) / 100.0);
    m.put("balanced", st.balanced());
    m.put("movesInFlight", st.movesInFlight());
    m.put("bytesMoved", st.bytesMoved());
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (BalanceStatus.Node n : st.nodes()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("node", n.id());
      e.put("usedBytes", n.usedBytes());
      e.put("capacityBytes", n.capacityBytes());
      e.put("usedPct", Math.round(n.usedPct() * 100) / 100.0);
      nodes.add(e);
    }
    m.put("nodes", nodes);
    return m;
  }
}
