package dev.granary.master.net;

import static dev.granary.master.testing.WireHarness.call;
import static dev.granary.master.testing.WireHarness.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.testing.WireHarness;
import dev.granary.wire.Compression;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.PolicyRequest;
import dev.granary.wire.msg.RekeyRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
import dev.granary.wire.net.Connection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * WRITE_CHECK and REKEY reach their handlers on a real master with TLS, and an encrypted file's
 * entry and rotated key survive a restart of the master.
 */
class EncodingWireTest {
  @TempDir
  Path tmp;
  @RegisterExtension
  final WireHarness wire = new WireHarness();

  private MasterServer start() throws Exception {
    return wire.start(new MasterServer(new MasterConfig("127.0.0.1", 0, tmp.resolve("m"),
        1 << 20, 1, 1, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30),
        "round-robin", 100_000, 2).withSecurity(MasterConfig.TLS)));
  }

  @Test
  void writeCheckAndRekeyOverTlsAndAfterARestart() throws Exception {
    MasterServer m = start();
    Connection c = wire.connect(m, Role.CLIENT, "c1");
    call(c, new MkdirRequest("c1", 1, "/vault", false));
    call(c, new PolicyRequest("c1", 2, "/vault", List.of(
        new PolicyRequest.PolicySetting("encrypt", "1"),
        new PolicyRequest.PolicySetting("compress", "2"))));
    WriteCheckResponse before = call(c, new WriteCheckRequest("/vault/missing/f"));
    assertEquals(new WriteCheckResponse(null, Compression.ZSTD, true), before);
    assertEquals(Status.DENIED, error(c, new CommitFileRequest("c1", 3, "/vault/f", false, 0,
        1 << 20, List.of())));
    FileEncoding sealed = new FileEncoding(Compression.ZSTD, -1,
        "0123456789abcdef0123456789abcdef", "k1", "b2xk");
    FileEntry made = ((CommitFileResponse) call(c, new CommitFileRequest("c1", 4, "/vault/f",
        false, 0, 1 << 20, List.of(), 0, sealed, 0))).file();
    assertEquals(sealed.withStoredSize(0), made.encoding());
    WriteCheckResponse there = call(c, new WriteCheckRequest("/vault/f"));
    assertEquals(made, there.existing());

    StatResponse rotated = call(c, new RekeyRequest("c1", 5, "/vault/f", 0, "b2xk", "k2",
        "bmV3"));
    assertEquals("k2", rotated.entry().encoding().keyId());
    assertEquals(Status.STALE_VERSION, error(c, new RekeyRequest("c1", 6, "/vault/f", 0, "b2xk",
        "k3", "eHh4")));

    wire.forget(m);
    m.close();
    MasterServer again = start();
    Connection c2 = wire.connect(again, Role.CLIENT, "c1");
    assertEquals(rotated.entry(), ((StatResponse) call(c2, new StatRequest("/vault/f"))).entry());
    assertEquals(rotated, call(c2, new RekeyRequest("c1", 5, "/vault/f", 0, "b2xk", "k2",
        "bmV3")));
    assertNull(((WriteCheckResponse) call(c2, new WriteCheckRequest("/vault/g"))).existing());
    assertTrue(((WriteCheckResponse) call(c2, new WriteCheckRequest("/vault/g"))).encrypt());
  }
}
