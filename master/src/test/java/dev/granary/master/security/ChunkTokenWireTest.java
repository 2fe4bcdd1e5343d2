package dev.granary.master.security;

import static dev.granary.master.testing.WireHarness.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Sha256;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.testing.WireHarness;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.Ok;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenCheck;
import dev.granary.wire.security.TokenKey;
import dev.granary.wire.security.TokenKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real master with {@code security: tls}: where it hands out tokens and what it checks. */
class ChunkTokenWireTest {
  @TempDir Path tmp;
  @RegisterExtension final WireHarness wire = new WireHarness();

  private MasterServer start(String security) throws Exception {
    return wire.start(new MasterServer(new MasterConfig("127.0.0.1", 0, tmp.resolve("master"),
        1 << 20, 3, 2, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30),
        "round-robin", 100_000, 2).withSecurity(security)));
  }

  private Connection chunkserver(MasterServer m, String id, Map<String, TokenKeys> keys)
      throws Exception {
    Connection c = wire.connect(m, Role.CHUNKSERVER, id);
    RegisterResponse r = call(c, new RegisterRequest(id, 9000 + id.hashCode() % 100, 1L << 40, 0,
        1L << 40, ""));
    keys.put(id, r.tokens());
    call(c, new ReplicaReportRequest(id, true, 0, true, List.of(), List.of()));
    return c;
  }

  private static TokenCheck.Refusal check(TokenKeys keys, ChunkToken t, long handle,
      ChunkAccess needed) {
    Map<Integer, TokenKey> byId = new HashMap<>();
    keys.keys().forEach(k -> byId.put(k.id(), k));
    return TokenCheck.check(t, handle, System.currentTimeMillis(), !byId.isEmpty(), byId::get,
        needed);
  }

  @Test
  void locationsCarryTokensTheChunkserversKeysVerify() throws Exception {
    MasterServer m = start(MasterConfig.TLS);
    Map<String, TokenKeys> keys = new HashMap<>();
    List<Connection> cs = List.of(chunkserver(m, "cs1", keys), chunkserver(m, "cs2", keys),
        chunkserver(m, "cs3", keys));
    TokenKeys k = keys.get("cs1");
    assertTrue(k.required());
    assertFalse(k.keys().isEmpty());
    PulseResponse pulse = call(cs.get(0), new PulseRequest("cs1", 1L << 40, 0, 1L << 40, 0));
    assertEquals(k, pulse.tokens(), "pulses carry the same current keys");

    Connection client = wire.connect(m, Role.CLIENT, "c1");
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/f", 3, List.of()));
    assertNull(check(k, a.token(), a.handle(), ChunkAccess.WRITE));
    for (NodeAddress n : a.pipeline()) {
      int i = Integer.parseInt(n.id().substring(2)) - 1;
      call(cs.get(i), new ReplicaReportRequest(n.id(), false, 0, false,
          List.of(new ReplicaInfo(a.handle(), 1, 5, 77)), List.of()));
    }
    List<String> ids = a.pipeline().stream().map(NodeAddress::id).toList();
    CommitFileResponse done = call(client, new CommitFileRequest("c1", 1, "/f", false, 3,
        1 << 20, List.of(new CommitChunk(a.handle(), 1, 5, 77, ids, Sha256.NONE)), 3));
    assertNull(check(k, done.spare().token(), done.spare().handle(), ChunkAccess.WRITE),
        "the spare allocation has its WRITE token");
    LookupResponse l = call(client, new LookupRequest("/f", 0, 10));
    ChunkToken read = l.chunks().get(0).token();
    assertNull(check(k, read, a.handle(), ChunkAccess.READ));
    assertEquals(TokenCheck.Reason.WRONG_ACCESS,
        check(k, read, a.handle(), ChunkAccess.WRITE).reason());

    // A reader's bad-replica report: refused without a valid READ token for that chunk.
    String holder = l.chunks().get(0).replicas().get(0).id();
    for (ChunkToken bad : List.of(ChunkToken.NONE, a.token(), done.spare().token())) {
      RemoteException e = assertThrows(RemoteException.class, () -> call(client,
          new ReportBadReplicaRequest(a.handle(), 1, holder, "mismatch", bad)));
      assertEquals(Status.TOKEN_INVALID, e.status(), e.getMessage());
    }
    assertInstanceOf(Ok.class, call(client,
        new ReportBadReplicaRequest(a.handle(), 1, holder, "mismatch", read)));
    // The holder's own report needs none.
    int i = Integer.parseInt(holder.substring(2)) - 1;
    assertInstanceOf(Ok.class, call(cs.get(i),
        new ReportBadReplicaRequest(a.handle(), 1, holder, "scrubber")));
  }

  @Test
  void withoutSecurityNoTokensAreIssuedOrRequired() throws Exception {
    MasterServer m = start(MasterConfig.NONE);
    Map<String, TokenKeys> keys = new HashMap<>();
    chunkserver(m, "cs1", keys);
    assertEquals(TokenKeys.NONE, keys.get("cs1"));
    Connection client = wire.connect(m, Role.CLIENT, "c1");
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/f", 1, List.of()));
    assertTrue(a.token().isNone());
    assertInstanceOf(Ok.class, call(client,
        new ReportBadReplicaRequest(a.handle(), 1, "cs1", "mismatch")));
  }
}
