package dev.granary.master.net;

import static dev.granary.master.testing.WireHarness.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import dev.granary.config.Credentials;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.journal.LogStorage;
import dev.granary.master.testing.WireHarness;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.DecommissionRequest;
import dev.granary.wire.msg.DecommissionResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeStatus;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.UserRequest;
import dev.granary.wire.msg.UserResponse;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DECOMMISSION on a real, secured master: who may send it, how nodes are named, idempotence, and
 * the intent across a restart.
 */
class DecommissionWireTest {
  private static final int CS_PORT = 9001;
  private static final Set<String> OUT_OF_SERVICE = Set.of("DECOMMISSIONING", "DECOMMISSIONED");
  @TempDir
  Path tmp;
  @RegisterExtension
  final WireHarness wire = new WireHarness();

  private MasterServer start() throws IOException {
    MasterConfig config = new MasterConfig("127.0.0.1", 0, tmp.resolve("m"), 1 << 20, 3, 2,
        Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30), "round-robin",
        100_000, 2).withSecurity("tls");
    return wire.start(new MasterServer(config, Clock.systemUTC(), Ticker.systemTicker(),
        LogStorage.DEFAULT));
  }

  /** Chunkserver {@code id} registers, with an empty full report. */
  private void chunkserver(MasterServer m, String id) throws Exception {
    Connection cs = wire.connect(m, Role.CHUNKSERVER, id);
    call(cs, new RegisterRequest(id, CS_PORT, 1L << 40, 0, 1L << 40, ""));
    call(cs, new ReplicaReportRequest(id, true, 0, true, List.of(), List.of()));
  }

  private static DecommissionResponse decommission(Connection c, String node) throws Exception {
    return call(c, new DecommissionRequest(DecommissionRequest.Action.DECOMMISSION, node));
  }

  private static DecommissionResponse recommission(Connection c, String node) throws Exception {
    return call(c, new DecommissionRequest(DecommissionRequest.Action.RECOMMISSION, node));
  }

  /** The one chunkserver, as {@code cluster} shows it. */
  private static NodeStatus status(Connection c) throws Exception {
    ClusterStatusResponse st = call(c, new ClusterStatusRequest());
    assertEquals(1, st.nodes().size(), st::toString);
    return st.nodes().get(0);
  }

  private static RemoteException refused(Connection c, Message m, Status status) {
    RemoteException e = assertThrows(RemoteException.class, () -> call(c, m), m::toString);
    assertEquals(status, e.status(), e.getMessage());
    return e;
  }

  @Test
  void theSuperuserDecommissionsByIdOrAddressAndRecommissions() throws Exception {
    MasterServer m = start();
    chunkserver(m, "cs1");
    Connection admin = wire.connect(m, Role.CLIENT, "admin");
    DecommissionResponse r = decommission(admin, "cs1");
    assertTrue(r.changed());
    assertEquals("cs1", r.node().id());
    assertTrue(OUT_OF_SERVICE.contains(r.node().state()), r.node()::toString);
    assertTrue(r.node().decommissionSince() > 0, r.node()::toString);
    // Again, by its address: nothing changes, nothing is logged.
    r = decommission(admin, "127.0.0.1:" + CS_PORT);
    assertFalse(r.changed());
    assertEquals("cs1", r.node().id());
    NodeStatus shown = status(admin);
    assertTrue(OUT_OF_SERVICE.contains(shown.state()), shown::toString);

    r = recommission(admin, "127.0.0.1:" + CS_PORT);
    assertTrue(r.changed());
    assertEquals("LIVE", r.node().state());
    assertEquals(0, r.node().decommissionSince());
    assertFalse(recommission(admin, "cs1").changed());
  }

  @Test
  void anUnknownNodeIsNotFoundWithOneLine() throws Exception {
    MasterServer m = start();
    chunkserver(m, "cs1");
    Connection admin = wire.connect(m, Role.CLIENT, "admin");
    for (DecommissionRequest.Action a : DecommissionRequest.Action.values()) {
      RemoteException e = refused(admin, new DecommissionRequest(a, "10.9.9.9:7071"),
          Status.NOT_FOUND);
      assertEquals("no chunkserver '10.9.9.9:7071' (expected a node id or host:port from "
          + "'granary cluster')", e.getMessage());
    }
    assertEquals("LIVE", status(admin).state());
  }

  @Test
  void onlyTheSuperuserMayAndNeverAChunkserver() throws Exception {
    MasterServer m = start();
    chunkserver(m, "cs1");
    Connection admin = wire.connect(m, Role.CLIENT, "admin");
    UserResponse bob = call(admin, new UserRequest(UserRequest.Action.ADD, "bob", "", false));
    Connection asBob = wire.connectUnauthenticated(m, Role.CLIENT, "bob");
    call(asBob, new AuthenticateRequest(bob.name(), bob.token()));
    RemoteException e = refused(asBob, new DecommissionRequest(
        DecommissionRequest.Action.DECOMMISSION, "cs1"), Status.DENIED);
    assertTrue(e.getMessage().contains("bob may not decommission chunkservers"), e.getMessage());
    refused(asBob, new DecommissionRequest(DecommissionRequest.Action.RECOMMISSION, "cs1"),
        Status.DENIED);
    Connection cs = wire.connect(m, Role.CHUNKSERVER, "cs2");
    refused(cs, new DecommissionRequest(DecommissionRequest.Action.DECOMMISSION, "cs1"),
        Status.DENIED);
    // Unauthenticated: refused before anything is looked up.
    Connection anon = wire.connectUnauthenticated(m, Role.CLIENT, "anon");
    refused(anon, new DecommissionRequest(DecommissionRequest.Action.DECOMMISSION, "nope"),
        Status.DENIED);
    assertEquals("LIVE", status(admin).state());
  }

  @Test
  void theIntentSurvivesARestartAndHoldsWhenTheNodeRegistersAgain() throws Exception {
    MasterServer m = start();
    chunkserver(m, "cs1");
    decommission(wire.connect(m, Role.CLIENT, "admin"), "cs1");
    long since = status(wire.connect(m, Role.CLIENT, "admin")).decommissionSince();
    wire.forget(m);
    m.close();

    m = start();
    Connection admin = wire.connect(m, Role.CLIENT, "admin");
    // Not registered with this incarnation yet: named by id only, shown DEAD with its intent.
    DecommissionResponse r = decommission(admin, "cs1");
    assertFalse(r.changed());
    assertEquals("DEAD", r.node().state());
    assertEquals(since, r.node().decommissionSince());
    refused(admin, new DecommissionRequest(DecommissionRequest.Action.DECOMMISSION,
        "127.0.0.1:" + CS_PORT), Status.NOT_FOUND);
    chunkserver(m, "cs1");
    NodeStatus back = status(admin);
    assertTrue(OUT_OF_SERVICE.contains(back.state()), back::toString);
    assertEquals(since, back.decommissionSince());
  }
}
