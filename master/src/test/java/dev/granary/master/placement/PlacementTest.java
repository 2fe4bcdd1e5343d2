package dev.granary.master.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static NodeView node(String id, long free) {
    return new NodeView(id, true, free, 0, 1000);
  }

  private static List<String> ids(List<NodeView> v) {
    return v.stream().map(NodeView::id).collect(Collectors.toList());
  }

  private final List<NodeView> nodes = List.of(node("n1", 500), node("n2", 900), node("n3", 100),
      node("n4", 700), new NodeView("dead", false, 1000, 0, 1000));

  @Test
  void roundRobinGivesDistinctLiveNodesAndRotates() {
    RoundRobinPlacement p = new RoundRobinPlacement();
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      List<String> t = ids(p.chooseTargets(nodes, 3, Set.of(), 50));
      assertEquals(3, t.size());
      assertEquals(3, new HashSet<>(t).size(), "distinct: " + t);
      assertTrue(!t.contains("dead"));
      firsts.add(t.get(0));
    }
    assertEquals(Set.of("n1", "n2", "n3", "n4"), firsts, "the first node rotates");
  }

  @Test
  void exclusionAndRoomAreRespected() {
    for (PlacementPolicy p : List.of(new RoundRobinPlacement(), new MostFreeSpacePlacement())) {
      for (int i = 0; i < 5; i++) {
        List<String> t = ids(p.chooseTargets(nodes, 3, Set.of("n2"), 200));
        assertEquals(Set.of("n1", "n4"), new HashSet<>(t), p.getClass().getSimpleName());
      }
      assertEquals(List.of(), p.chooseTargets(nodes, 3, Set.of(), 10_000));
      assertTrue(p.chooseReplicationTarget(nodes, Set.of("n1", "n2", "n4"), 200).isEmpty());
      assertEquals("n3", p.chooseReplicationTarget(nodes, Set.of("n1", "n2", "n4"), 50)
          .orElseThrow().id());
    }
  }

  @Test
  void mostFreeSpacePrefersFreeNodes() {
    MostFreeSpacePlacement p = new MostFreeSpacePlacement();
    assertEquals(List.of("n2", "n4"), ids(p.chooseTargets(nodes, 2, Set.of(), 0)));
    assertEquals("n4", p.chooseReplicationTarget(nodes, Set.of("n2"), 0).orElseThrow().id());
  }

  @Test
  void dropTakesTheFullestHolder() {
    for (PlacementPolicy p : List.of(new RoundRobinPlacement(), new MostFreeSpacePlacement())) {
      assertEquals("n3", p.chooseReplicaToDrop(List.of(node("n1", 500), node("n3", 100),
          node("n2", 900))).id());
    }
  }

  @Test
  void policyByName() {
    assertTrue(PlacementPolicy.forName("round-robin") instanceof RoundRobinPlacement);
    assertTrue(PlacementPolicy.forName("most-free-space") instanceof MostFreeSpacePlacement);
    assertThrows(IllegalArgumentException.class, () -> PlacementPolicy.forName("random"));
  }
}
