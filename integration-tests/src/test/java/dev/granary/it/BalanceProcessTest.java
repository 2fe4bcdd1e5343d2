package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code granary balance} as an operator runs it against a secured cluster of real processes: the
 * JSON shape, {@code --wait} returning once balanced, a pass's threshold, and one-line errors for
 * a bad threshold (exit 2) and a user who is not the superuser (exit 7). The balancing itself is
 * {@link BalanceTest}'s.
 */
class BalanceProcessTest {
  private final ObjectMapper json = new ObjectMapper();
  @TempDir
  Path tmp;
  private ProcessCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String master() {
    return cluster.masterAddress().toString();
  }

  @Test
  void balanceShowsEveryNodeWaitsAndRefusesStrangers() throws Exception {
    cluster = ProcessCluster.started(tmp.resolve("c"), List.of("--pulse-interval", "200ms",
        "--balance-threshold", "20"), 3);
    Cli.Result r = Cli.run(master(), null, "balance", "--threshold", "7", "--wait", "--json");
    assertEquals(0, r.code(), () -> r + "\n" + cluster.logs());
    JsonNode st = json.readTree(r.out());
    assertEquals(3, st.get("nodes").size(), st::toString);
    assertTrue(st.get("balanced").asBoolean(), st::toString);
    assertEquals(0, st.get("movesInFlight").asInt(), st::toString);
    for (String field : List.of("thresholdPct", "passRunning", "usedBytes", "capacityBytes",
        "usedPct", "bytesMoved")) {
      assertTrue(st.has(field), field + " in " + st);
    }
    for (JsonNode n : st.get("nodes")) {
      assertTrue(n.get("capacityBytes").asLong() > 0, n::toString);
      assertTrue(n.has("node") && n.has("usedBytes") && n.has("usedPct"), n::toString);
    }
    // The pass ended once balanced: the configured threshold is in force again.
    assertEquals(20, st.get("thresholdPct").asInt(), st::toString);

    Cli.Result text = Cli.run(master(), null, "balance");
    assertEquals(0, text.code(), text::toString);
    assertTrue(text.out().contains("threshold 20 percentage points"), text::toString);
    assertTrue(text.out().strip().lines().anyMatch(l -> l.startsWith("balanced;")),
        text::toString);

    Cli.run(master(), null, "balance", "--threshold", "0").failsInOneLine(2,
        "invalid --threshold 0");
    Cli.run(master(), null, "balance", "--threshold", "many").failsInOneLine(2, "--threshold");
    Path bob = tmp.resolve("bob.credentials");
    assertEquals(0, Cli.run(master(), null, "user", "add", "bob", "--out", bob.toString())
        .code());
    Cli.runAs(bob, master(), "balance").failsInOneLine(7,
        "user bob may not start a balancing pass");
  }
}
