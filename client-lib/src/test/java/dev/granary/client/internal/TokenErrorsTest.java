package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Sha256;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryException;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenCheck;
import dev.granary.wire.security.TokenKey;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the client treats chunk token refusals and token lifetimes. */
class TokenErrorsTest {
  private static RemoteException refused(TokenCheck.Reason reason) {
    return new RemoteException(Status.TOKEN_INVALID, "cs-1 refused: chunk 0000000000000001: "
        + reason.code(), reason.code());
  }

  @Test
  void aFreshTokenCuresExpiryUnknownKeysAndMissingKeysOnly() {
    for (TokenCheck.Reason r : TokenCheck.Reason.values()) {
      RemoteException e = refused(r);
      assertEquals(r.retryable(), Errors.isTransient(e), r.name());
      assertEquals(!r.retryable(), Errors.isDeniedToken(e), r.name());
    }
    assertTrue(Errors.isTransient(refused(TokenCheck.Reason.EXPIRED)));
    assertTrue(Errors.isTransient(refused(TokenCheck.Reason.UNKNOWN_KEY)));
    assertTrue(Errors.isTransient(refused(TokenCheck.Reason.NO_KEYS)));
    assertFalse(Errors.isDeniedToken(new RemoteException(Status.DENIED, "m", "")));
  }

  @Test
  void anIncurableRefusalIsDenied() {
    GranaryException e = Errors.map(refused(TokenCheck.Reason.BAD_MAC), "/f");
    assertInstanceOf(DeniedException.class, e);
    assertTrue(e.getMessage().contains("bad-mac"), e.getMessage());
  }

  @Test
  void cachedLocationsAreValidUntilTheirFirstTokenIsAboutToExpire() {
    TokenKey key = TokenKey.generate(1, Long.MAX_VALUE, new SecureRandom());
    int read = ChunkAccess.bits(ChunkAccess.READ);
    FileEntry f = new FileEntry("/f", false, 2, 0, 3, 1, 2);
    LookupResponse r = new LookupResponse(f, List.of(
        new ChunkLocation(0, 1, 1, 1, List.of(), ChunkToken.sign(key, 1, read, "u", 900_000),
            Sha256.NONE),
        new ChunkLocation(1, 2, 1, 1, List.of(), ChunkToken.sign(key, 2, read, "u", 600_000),
            Sha256.NONE)),
        true);
    assertEquals(600_000 - LocationCache.TOKEN_MARGIN_MILLIS, LocationCache.tokensValidUntil(r));
    LookupResponse none = new LookupResponse(f, List.of(new ChunkLocation(0, 1, 1, 1, List.of(),
        Sha256.NONE)), true);
    assertEquals(Long.MAX_VALUE, LocationCache.tokensValidUntil(none));
  }
}
