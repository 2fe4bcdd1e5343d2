package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rules the client and the master both apply to policy settings. */
class PolicyKeysTest {

  @Test
  void validValuesAndClearingPass() {
    assertNull(PolicyKeys.problem("replication", "1"));
    assertNull(PolicyKeys.problem("replication", "255"));
    assertNull(PolicyKeys.problem("keepVersions", "0"));
    assertNull(PolicyKeys.problem("keepVersions", String.valueOf(Limits.MAX_KEEP_VERSIONS)));
    assertNull(PolicyKeys.problem("trash", "0"));
    assertNull(PolicyKeys.problem("trash", String.valueOf(PolicyKeys.MAX_TRASH_MILLIS)));
    for (String key : PolicyKeys.ALL) {
      assertNull(PolicyKeys.problem(key, PolicyKeys.CLEAR));
    }
    assertEquals(86_400_000L, PolicyKeys.value("trash", "86400000"));
  }

  @Test
  void outOfRangeOrNonCanonicalValuesNameTheKeyAndTheRange() {
    for (String[] bad : new String[][] {{"replication", "0"}, {"replication", "256"},
        {"keepVersions", "1001"}, {"keepVersions", "-1"}, {"keepVersions", "+3"},
        {"keepVersions", "03"}, {"trash", "1h"}, {"trash", " 5"},
        {"trash", String.valueOf(PolicyKeys.MAX_TRASH_MILLIS + 1)},
        {"trash", "99999999999999999999999"}}) {
      String problem = PolicyKeys.problem(bad[0], bad[1]);
      assertTrue(problem != null && problem.contains(bad[0]) && problem.contains(bad[1].trim()),
          bad[0] + "=" + bad[1] + ": " + problem);
    }
    assertTrue(PolicyKeys.problem("replication", "0").contains("1..255"));
  }

  @Test
  void anUnknownKeyIsRefusedWithTheKnownOnes() {
    String problem = PolicyKeys.problem("compression", "1");
    assertTrue(problem.contains("compression") && problem.contains("keepVersions") && problem.contains("encrypt"), problem);
    assertThrows(IllegalArgumentException.class, () -> PolicyKeys.check("Replication", "3"));
    assertThrows(IllegalArgumentException.class, () -> PolicyKeys.value("trash", ""));
  }
}
