package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.granary.client.ClusterStatus;
import dev.granary.client.JsonViews;
import dev.granary.client.NodeStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What decommissioning looks like in {@code cluster} and in the commands' own lines. */
class DecommissionCommandTest {
  private static final NodeStatus LIVE = new NodeStatus("cs-1", "10.0.0.7", 7073, "LIVE", 10, 100,
      90, 4, 12, 0);
  private static final NodeStatus LEAVING = new NodeStatus("cs-2", "10.0.0.8", 7073,
      "DECOMMISSIONING", 10, 100, 90, 4, 12, 1, 1_700_000_000_000L, 3);
  private static final NodeStatus GONE = new NodeStatus("cs-2", "10.0.0.8", 7073,
      "DECOMMISSIONED", 10, 100, 90, 4, 12, 0, 1_700_000_000_000L, 0);

  @Test
  void clusterJsonKeepsTheContractFieldsAndAddsTheDecommissionOnlyWhileThere() {
    Map<String, Object> live = JsonViews.node(LIVE);
    assertEquals(List.of("id", "address", "state", "usedBytes", "capacityBytes", "freeBytes",
        "chunks", "millisSinceLastPulse", "activeTransfers"), List.copyOf(live.keySet()));
    assertEquals("10.0.0.7:7073", live.get("address"));
    assertEquals("{\"id\":\"cs-2\",\"address\":\"10.0.0.8:7073\",\"state\":\"DECOMMISSIONING\","
        + "\"usedBytes\":10,\"capacityBytes\":100,\"freeBytes\":90,\"chunks\":4,"
        + "\"millisSinceLastPulse\":12,\"activeTransfers\":1,"
        + "\"decommission\":{\"since\":1700000000000,\"replicasLeft\":3}}",
        Json.write(JsonViews.node(LEAVING)));
  }

  @Test
  void linesSayWhatIsLeftAndWhenTheNodeCanBeSwitchedOff() {
    assertEquals("chunkserver cs-2 (10.0.0.8:7073) is DECOMMISSIONING: 3 replicas still to copy "
        + "to other nodes", DecommissionCommand.describe(LEAVING, ""));
    assertEquals("chunkserver cs-2 (10.0.0.8:7073) is DECOMMISSIONED (already): every chunk it "
        + "holds has its goal on other nodes; it can be switched off",
        DecommissionCommand.describe(GONE, " (already)"));
    NodeStatus unregistered = new NodeStatus("cs-3", "", 0, "DEAD", 0, 0, 0, 0, 0, 0, 5, 0);
    assertEquals("chunkserver cs-3 is DEAD (to be decommissioned when it is back)",
        DecommissionCommand.describe(unregistered, ""));
    assertEquals("chunkserver cs-1 (10.0.0.7:7073) is LIVE", DecommissionCommand.describe(LIVE,
        ""));
  }

  @Test
  void thePlainClusterTableShowsTheStateAndWhatIsLeft() {
    ClusterStatus st = new ClusterStatus("m", List.of(LIVE, LEAVING), 1, 1, 4, 0, 0, 0, 0, 3, 1,
        true, 1000, "c", 0, false);
    StringWriter w = new StringWriter();
    ClusterCommand.render(st, new PrintWriter(w, true));
    String out = w.toString();
    String line = out.lines().filter(l -> l.startsWith("cs-2")).findFirst().orElseThrow();
    assertEquals(List.of("cs-2", "10.0.0.8:7073", "DECOMMISSIONING", "10", "B", "100", "B", "4",
        "(decommissioning:", "3", "replicas", "left)"), List.of(line.trim().split("\\s+")),
        out);
    assertFalse(out.lines().filter(l -> l.startsWith("cs-1")).findFirst().orElseThrow()
        .contains("decommissioning"), out);
  }
}
