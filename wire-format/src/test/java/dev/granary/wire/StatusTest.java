package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Status codes on the wire and the contract's exit codes they map onto. */
class StatusTest {
  /** The whole table, as PROTOCOL.md and ../shared/CONTRACT.md state it. */
  private static final Map<Status, int[]> TABLE = new LinkedHashMap<>();

  static {
    put(Status.OK, 0, 0);
    put(Status.INTERNAL, 1, 1);
    put(Status.INVALID_ARGUMENT, 2, 2);
    put(Status.NOT_FOUND, 3, 3);
    put(Status.UNAVAILABLE, 4, 4);
    put(Status.INTEGRITY, 5, 5);
    put(Status.ALREADY_EXISTS, 6, 6);
    put(Status.DENIED, 7, 7);
    put(Status.NOT_EMPTY, 8, 2);
    put(Status.NOT_A_DIRECTORY, 9, 2);
    put(Status.IS_A_DIRECTORY, 10, 2);
    put(Status.NO_SPACE, 11, 4);
    put(Status.STALE_VERSION, 12, 4);
    put(Status.NO_SUCH_REPLICA, 13, 4);
    put(Status.PIPELINE_FAILED, 14, 4);
    put(Status.PROTOCOL, 15, 4);
    put(Status.BUSY, 16, 4);
    put(Status.NOT_REGISTERED, 17, 4);
    put(Status.LOCATIONS_INCOMPLETE, 18, 4);
    put(Status.TOO_LARGE, 19, 2);
    put(Status.WRONG_CLUSTER, 20, 2);
    put(Status.READ_ONLY, 21, 4);
    put(Status.LEASE_EXPIRED, 22, 4);
    put(Status.TOKEN_INVALID, 23, 7);
    put(Status.CHUNK_GONE, 24, 4);
  }

  private static void put(Status s, int code, int exit) {
    TABLE.put(s, new int[] {code, exit});
  }

  @Test
  void everyStatusIsInTheTable() {
    assertEquals(Set.of(Status.values()), TABLE.keySet(),
        "a new status needs its code and exit code here and in PROTOCOL.md");
  }

  @Test
  void codesAndExitCodesMatchTheContract() {
    TABLE.forEach((s, v) -> {
      assertEquals(v[0], s.code(), s + " code");
      assertEquals(v[1], s.exitCode(), s + " exit code");
      assertEquals(s, Status.fromCode(v[0]));
    });
    // The contract's meanings, spelled out.
    assertEquals(3, Status.NOT_FOUND.exitCode());
    assertEquals(4, Status.UNAVAILABLE.exitCode());
    assertEquals(5, Status.INTEGRITY.exitCode());
    assertEquals(6, Status.ALREADY_EXISTS.exitCode());
    assertEquals(7, Status.DENIED.exitCode());
    assertEquals(2, Status.INVALID_ARGUMENT.exitCode());
  }

  @Test
  void codesAreUniqueAndExitCodesInTheContractRange() {
    Set<Integer> codes = new HashSet<>();
    for (Status s : Status.values()) {
      assertTrue(codes.add(s.code()), "code " + s.code() + " used twice");
      assertTrue(s.exitCode() >= 0 && s.exitCode() <= 7, s.toString());
    }
  }

  @Test
  void unknownCodesAreProtocolErrors() {
    for (int code : new int[] {-1, 25, 31, 32, 255, 65535}) {
      ProtocolException e = assertThrows(ProtocolException.class, () -> Status.fromCode(code));
      assertEquals("unknown status code " + code, e.getMessage());
    }
  }

  @Test
  void rolesRoundTripAndUnknownRolesAreProtocolErrors() {
    for (Role r : Role.values()) {
      assertEquals(r, Role.fromCode(r.code()));
    }
    assertEquals(1, Role.CLIENT.code());
    assertEquals(2, Role.MASTER.code());
    assertEquals(3, Role.CHUNKSERVER.code());
    assertThrows(ProtocolException.class, () -> Role.fromCode(0));
    assertThrows(ProtocolException.class, () -> Role.fromCode(4));
  }
}
