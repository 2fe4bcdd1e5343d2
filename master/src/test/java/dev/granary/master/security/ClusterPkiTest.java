package dev.granary.master.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Role;
import dev.granary.wire.tls.JoinToken;
import dev.granary.wire.tls.NodeCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's authority, certificate and join token on disk: created once, kept, rotated. */
class ClusterPkiTest {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  @Test
  void createsOnceAndLoadsTheSameAuthorityAfterwards(@TempDir Path dir) throws Exception {
    ClusterPki first = ClusterPki.open(dir, "c1", "master-a", NOW);
    assertEquals(new NodeCertificate(Role.MASTER, "master-a"), first.masterKeys().node());
    assertEquals("rw-------", mode(dir.resolve("tls/ca.key")));
    assertEquals("rw-------", mode(dir.resolve("tls/master.key")));
    ClusterPki again = ClusterPki.open(dir, "c1", "master-a", NOW.plusSeconds(60));
    assertEquals(first.authority().certificate(), again.authority().certificate());
    assertEquals(first.masterKeys().certificate(), again.masterKeys().certificate());
    first.masterKeys().certificate().verify(first.authority().certificate().getPublicKey());
  }

  @Test
  void halfAnAuthorityIsAnErrorNotANewAuthority(@TempDir Path dir) throws Exception {
    ClusterPki.open(dir, "c1", "master-a", NOW);
    Files.delete(dir.resolve("tls/ca.key"));
    IOException e = assertThrows(IOException.class,
        () -> ClusterPki.open(dir, "c1", "master-a", NOW));
    assertTrue(e.getMessage().contains("restore both"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("tls/ca.crt")));
  }

  @Test
  void joinTokenIsKeptRotatedAndCheckedByItsSecret(@TempDir Path dir) throws Exception {
    ClusterPki pki = ClusterPki.open(dir, "c1", "master-a", NOW);
    JoinTokens tokens = JoinTokens.open(dir, pki.authority().certificate());
    assertEquals("rw-------", mode(dir.resolve(JoinTokens.FILE)));
    String token = tokens.token();
    JoinToken parsed = JoinToken.parse(token);
    assertTrue(parsed.names(pki.authority().certificate()));
    assertTrue(tokens.accepts(parsed.secret()));
    assertFalse(tokens.accepts(parsed.secret() + "x"));
    assertFalse(tokens.accepts(""));
    assertEquals(token, JoinTokens.open(dir, pki.authority().certificate()).token());

    String rotated = tokens.rotate();
    assertNotEquals(token, rotated);
    assertFalse(tokens.accepts(parsed.secret()));
    assertTrue(tokens.accepts(JoinToken.parse(rotated).secret()));
    assertEquals(rotated, Files.readString(dir.resolve(JoinTokens.FILE)).strip());
    assertEquals(rotated, JoinTokens.open(dir, pki.authority().certificate()).token());
  }

  @Test
  void aJoinTokenFileEditedByHandIsReplaced(@TempDir Path dir) throws Exception {
    ClusterPki pki = ClusterPki.open(dir, "c1", "master-a", NOW);
    Files.writeString(dir.resolve(JoinTokens.FILE), "not a token\n");
    JoinTokens tokens = JoinTokens.open(dir, pki.authority().certificate());
    assertTrue(JoinToken.parse(tokens.token()).names(pki.authority().certificate()));
  }

  @Test
  void malformedTokensAreRefusedWithoutEchoingThem() {
    for (String bad : new String[] {"", "s3cr3t", "gr1.x.s3cr3t", "gr2.AAAA.s3cr3t",
        "gr1..s3cr3t", "gr1.AAAA.s3cr3t.more"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JoinToken.parse(bad));
      assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
