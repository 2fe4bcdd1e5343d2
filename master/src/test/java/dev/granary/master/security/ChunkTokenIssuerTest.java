package dev.granary.master.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Sha256;
import dev.granary.master.testing.MutableClock;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenCheck;
import dev.granary.wire.security.TokenKey;
import dev.granary.wire.security.TokenKeys;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChunkTokenIssuerTest {
  private static final Duration INTERVAL = Duration.ofMinutes(10);
  private static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final int READ = ChunkAccess.bits(ChunkAccess.READ);
  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final ChunkTokenIssuer issuer = ChunkTokenIssuer.enabled(clock, new SecureRandom(),
      INTERVAL, LIFETIME);
  private final Caller alice = new Caller("alice", "staff", false);

  /** The check a chunkserver holding the keys {@code keys} makes now. */
  private TokenCheck.Refusal checkWith(TokenKeys keys, ChunkToken t, long handle,
      ChunkAccess... needed) {
    Map<Integer, TokenKey> byId = keys.keys().stream()
        .collect(Collectors.toMap(TokenKey::id, k -> k));
    return TokenCheck.check(t, handle, clock.millis(), !byId.isEmpty(), byId::get, needed);
  }

  @Test
  void rotationKeepsOldTokensValidUntilTheyExpireAndThenNot() {
    ChunkToken first = issuer.issue(1, READ, "alice");
    assertNull(checkWith(issuer.keys(), first, 1, ChunkAccess.READ));
    clock.advance(INTERVAL.minusSeconds(1));
    ChunkToken late = issuer.issue(1, READ, "alice"); // the last token of the first key
    assertEquals(first.keyId(), late.keyId());
    clock.advance(Duration.ofSeconds(1));
    ChunkToken second = issuer.issue(1, READ, "alice");
    assertNotEquals(first.keyId(), second.keyId(), "a new key after the interval");
    // Both keys are sent: the old key's tokens stay valid until their own expiry.
    assertEquals(2, issuer.keys().keys().size());
    assertNull(checkWith(issuer.keys(), late, 1, ChunkAccess.READ));
    assertNull(checkWith(issuer.keys(), second, 1, ChunkAccess.READ));
    assertEquals(TokenCheck.Reason.EXPIRED, // issued a full lifetime ago
        checkWith(issuer.keys(), first, 1, ChunkAccess.READ).reason());
    clock.advance(LIFETIME.minusSeconds(1).minusMillis(1));
    assertNull(checkWith(issuer.keys(), late, 1, ChunkAccess.READ));
    clock.advance(Duration.ofMillis(1));
    assertEquals(TokenCheck.Reason.EXPIRED,
        checkWith(issuer.keys(), late, 1, ChunkAccess.READ).reason());
    // Once the last token the old key signed has expired, the key itself is gone.
    clock.advance(Duration.ofSeconds(1));
    TokenKeys now = issuer.keys();
    assertTrue(now.keys().stream().noneMatch(k -> k.id() == first.keyId()), now.toString());
    assertEquals(TokenCheck.Reason.UNKNOWN_KEY,
        checkWith(now, late, 1, ChunkAccess.READ).reason());
    assertTrue(now.keys().size() <= 3, now.keys().size() + " keys");
  }

  @Test
  void theKeySetStaysBoundedOverADay() {
    for (int i = 0; i < 24 * 60; i++) {
      issuer.issue(i, READ, "alice");
      assertTrue(issuer.keys().keys().size() <= 3);
      assertTrue(issuer.keys().required());
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void aNewIssuerHasOtherKeys() {
    ChunkToken t = issuer.issue(1, READ, "alice");
    ChunkTokenIssuer restarted = ChunkTokenIssuer.enabled(clock, new SecureRandom(), INTERVAL,
        LIFETIME);
    TokenCheck.Refusal r = checkWith(restarted.keys(), t, 1, ChunkAccess.READ);
    // Another id (unknown key), or by a 1-in-2^32 chance the same id with another secret.
    assertTrue(r.reason() == TokenCheck.Reason.UNKNOWN_KEY
        || r.reason() == TokenCheck.Reason.BAD_MAC, r.toString());
  }

  @Test
  void allocationsGetAWriteTokenLookupsAReadTokenPerChunk() {
    NodeAddress n = new NodeAddress("cs-1", "127.0.0.1", 7001);
    AllocateChunkResponse a = (AllocateChunkResponse) issuer.withTokens(
        new AllocateChunkResponse(5, 1, List.of(n)), alice);
    assertEquals("alice", a.token().user());
    assertNull(issuer.check(a.token(), 5, ChunkAccess.WRITE));
    assertEquals(TokenCheck.Reason.WRONG_ACCESS,
        issuer.check(a.token(), 5, ChunkAccess.READ).reason());
    CommitFileResponse c = (CommitFileResponse) issuer.withTokens(new CommitFileResponse(
        new FileEntry("/f", false, 0, 0, 3, 1, 0), new AllocateChunkResponse(6, 1, List.of(n))),
        alice);
    assertNull(issuer.check(c.spare().token(), 6, ChunkAccess.WRITE));
    LookupResponse l = (LookupResponse) issuer.withTokens(new LookupResponse(
        new FileEntry("/f", false, 2, 0, 3, 1, 2), List.of(
            new ChunkLocation(0, 7, 1, 1, List.of(n), Sha256.NONE),
            new ChunkLocation(1, 8, 1, 1, List.of(n), Sha256.NONE)),
        true), alice);
    assertNull(issuer.check(l.chunks().get(0).token(), 7, ChunkAccess.READ));
    assertEquals(TokenCheck.Reason.WRONG_CHUNK,
        issuer.check(l.chunks().get(1).token(), 7, ChunkAccess.READ).reason());
  }

  @Test
  void pulsesCarryCopyTokensAndTheKeys() {
    NodeAddress target = new NodeAddress("cs-2", "127.0.0.1", 7002);
    PulseResponse p = issuer.withTokens(new PulseResponse(List.of(
        new ChunkCommand(ChunkCommand.Kind.COPY, 9, 1, target),
        new ChunkCommand(ChunkCommand.Kind.DELETE, 10, 1, null))));
    assertNull(checkWith(p.tokens(), p.commands().get(0).token(), 9, ChunkAccess.WRITE,
        ChunkAccess.COPY));
    assertEquals(TokenCheck.Reason.WRONG_ACCESS, checkWith(p.tokens(),
        p.commands().get(0).token(), 9, ChunkAccess.READ).reason());
    assertTrue(p.commands().get(1).token().isNone());
    assertTrue(p.tokens().required());
  }

  @Test
  void withoutSecurityNothingIsIssuedOrChecked() {
    ChunkTokenIssuer off = ChunkTokenIssuer.forCluster(false, clock);
    AllocateChunkResponse a = new AllocateChunkResponse(5, 1, List.of());
    assertSame(a, off.withTokens(a, Caller.UNSECURED));
    assertTrue(off.issue(5, READ, "admin").isNone());
    assertEquals(TokenKeys.NONE, off.keys());
    assertNull(off.check(ChunkToken.NONE, 5, ChunkAccess.READ));
  }
}
