package dev.granary.wire.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenCheckTest {
  private static final long NOW = 1_700_000_000_000L;
  private final SecureRandom random = new SecureRandom();
  private final TokenKey key = TokenKey.generate(7, NOW + 3_600_000, random);
  private final Map<Integer, TokenKey> keys = Map.of(7, key);

  private TokenCheck.Refusal check(ChunkToken t, long handle, ChunkAccess... needed) {
    return TokenCheck.check(t, handle, NOW, true, keys::get, needed);
  }

  private ChunkToken token(long handle, int access, long expiry) {
    return ChunkToken.sign(key, handle, access, "alice", expiry);
  }

  @Test
  void aSignedTokenVerifiesForItsChunkAndAccess() {
    ChunkToken t = token(42, ChunkAccess.bits(ChunkAccess.READ), NOW + 60_000);
    assertNull(check(t, 42, ChunkAccess.READ));
    assertTrue(t.signedBy(key));
    assertEquals(32, t.mac().length);
  }

  @Test
  void anExpiredTokenIsRefusedAsExpired() {
    ChunkToken t = token(42, ChunkAccess.bits(ChunkAccess.READ), NOW);
    TokenCheck.Refusal r = check(t, 42, ChunkAccess.READ);
    assertEquals(TokenCheck.Reason.EXPIRED, r.reason());
    assertTrue(r.reason().retryable());
    assertTrue(r.message().contains("000000000000002a"), r.message());
    // One millisecond earlier it was still valid.
    assertNull(TokenCheck.check(t, 42, NOW - 1, true, keys::get, ChunkAccess.READ));
  }

  @Test
  void anotherChunksTokenIsRefused() {
    ChunkToken t = token(42, ChunkAccess.bits(ChunkAccess.READ), NOW + 60_000);
    TokenCheck.Refusal r = check(t, 43, ChunkAccess.READ);
    assertEquals(TokenCheck.Reason.WRONG_CHUNK, r.reason());
    assertFalse(r.reason().retryable());
  }

  @Test
  void aReadTokenDoesNotAllowAWrite() {
    ChunkToken t = token(42, ChunkAccess.bits(ChunkAccess.READ), NOW + 60_000);
    TokenCheck.Refusal r = check(t, 42, ChunkAccess.WRITE, ChunkAccess.COPY);
    assertEquals(TokenCheck.Reason.WRONG_ACCESS, r.reason());
    assertEquals("chunk 000000000000002a: token allows READ, expected WRITE|COPY", r.message());
    ChunkToken copy = token(42, ChunkAccess.bits(ChunkAccess.COPY), NOW + 60_000);
    assertNull(check(copy, 42, ChunkAccess.WRITE, ChunkAccess.COPY));
  }

  @Test
  void aTamperedFieldOrMacIsRefused() {
    ChunkToken t = token(42, ChunkAccess.bits(ChunkAccess.READ), NOW + 60_000);
    // The holder of a READ token widens it to WRITE, or extends its lifetime.
    ChunkToken widened = new ChunkToken(42, ChunkAccess.bits(ChunkAccess.READ, ChunkAccess.WRITE),
        "alice", t.expiryMillis(), 7, t.mac());
    assertEquals(TokenCheck.Reason.BAD_MAC, check(widened, 42, ChunkAccess.WRITE).reason());
    ChunkToken longer = new ChunkToken(42, t.access(), "alice", t.expiryMillis() + 1, 7, t.mac());
    assertEquals(TokenCheck.Reason.BAD_MAC, check(longer, 42, ChunkAccess.READ).reason());
    byte[] mac = t.mac();
    mac[31] ^= 1;
    ChunkToken flipped = new ChunkToken(42, t.access(), "alice", t.expiryMillis(), 7, mac);
    assertEquals(TokenCheck.Reason.BAD_MAC, check(flipped, 42, ChunkAccess.READ).reason());
    // Signed by a key with the right id and another secret: forged.
    TokenKey other = TokenKey.generate(7, key.expiresMillis(), random);
    ChunkToken forged = ChunkToken.sign(other, 42, t.access(), "alice", t.expiryMillis());
    assertEquals(TokenCheck.Reason.BAD_MAC, check(forged, 42, ChunkAccess.READ).reason());
  }

  @Test
  void anUnknownKeyIdNoKeysAndNoTokenEachHaveTheirReason() {
    TokenKey other = TokenKey.generate(8, key.expiresMillis(), random);
    ChunkToken t = ChunkToken.sign(other, 42, ChunkAccess.bits(ChunkAccess.READ), "", NOW + 1);
    assertEquals(TokenCheck.Reason.UNKNOWN_KEY, check(t, 42, ChunkAccess.READ).reason());
    assertTrue(TokenCheck.Reason.UNKNOWN_KEY.retryable());
    assertEquals(TokenCheck.Reason.NO_KEYS, TokenCheck.check(t, 42, NOW, false, id -> null,
        ChunkAccess.READ).reason());
    assertEquals(TokenCheck.Reason.MISSING, check(ChunkToken.NONE, 42, ChunkAccess.READ)
        .reason());
    assertFalse(TokenCheck.Reason.MISSING.retryable());
  }

  @Test
  void reasonsRoundTripThroughTheirCodes() {
    for (TokenCheck.Reason r : TokenCheck.Reason.values()) {
      assertEquals(r, TokenCheck.Reason.fromCode(r.code()));
    }
    assertNull(TokenCheck.Reason.fromCode(""));
  }

  @Test
  void tokensAndKeysRoundTripOnTheWire() {
    ChunkToken t = token(-5, ChunkAccess.bits(ChunkAccess.WRITE, ChunkAccess.COPY), NOW);
    ByteBuf b = Unpooled.buffer();
    try {
      t.encode(b);
      ChunkToken.NONE.encode(b);
      new TokenKeys(true, java.util.List.of(key)).encode(b);
      assertEquals(t, ChunkToken.decode(b));
      assertTrue(ChunkToken.decode(b).isNone());
      TokenKeys ks = TokenKeys.decode(b);
      assertTrue(ks.required());
      assertArrayEquals(key.secret(), ks.keys().get(0).secret());
      assertEquals(key, ks.keys().get(0));
      assertFalse(b.isReadable());
    } finally {
      b.release();
    }
  }

  @Test
  void malformedTokensAreProtocolErrors() {
    ByteBuf b = Unpooled.buffer();
    try {
      b.writeShort(3).writeBytes(new byte[3]); // shorter than any token
      assertThrows(ProtocolException.class, () -> ChunkToken.decode(b));
      b.clear();
      token(1, 1, NOW).encode(b);
      b.setByte(2 + 8, 0x80); // an access bit no mode has
      assertThrows(ProtocolException.class, () -> ChunkToken.decode(b));
    } finally {
      b.release();
    }
  }

  @Test
  void neitherTokenNorKeyPrintsItsSecret() {
    ChunkToken t = token(42, 1, NOW);
    assertFalse(t.toString().contains("mac"), t.toString());
    assertFalse(key.toString().contains("secret"), key.toString());
  }
}
