package dev.granary.wire.security;

import dev.granary.wire.ChunkHandles;
import java.util.function.IntFunction;

/**
 * The check of a {@link ChunkToken} against the keys a verifier holds, in this order: a token at
 * all, a known key id, the MAC, the expiry, the chunk, the access. Each refusal has its own
 * {@link Reason}, sent as the {@code detail} of an {@code ERROR TOKEN_INVALID} so a client can tell
 * the ones a fresh token cures ({@link Reason#retryable()}) from the ones it does not.
 */
public final class TokenCheck {
  /** Why a token was refused. */
  public enum Reason {
    /** The request carried no token. */
    MISSING("missing", false),
    /** The verifier has no keys from the master yet (just started, master not reached). */
    NO_KEYS("no-keys", true),
    /** No key with the token's id: signed by a master that restarted since, or forged. */
    UNKNOWN_KEY("unknown-key", true),
    /** The MAC does not match the fields: tampered with or forged. */
    BAD_MAC("bad-mac", false),
    /** The token's lifetime is over. */
    EXPIRED("expired", true),
    /** The token is for another chunk. */
    WRONG_CHUNK("wrong-chunk", false),
    /** The token does not allow this operation (e.g. a READ token used to write). */
    WRONG_ACCESS("wrong-access", false);

    private final String code;
    private final boolean retryable;

    Reason(String code, boolean retryable) {
      this.code = code;
      this.retryable = retryable;
    }

    /** The reason as sent in an ERROR's detail. */
    public String code() {
      return code;
    }

    /** Whether a fresh token from the master cures it (so a client refetches and retries). */
    public boolean retryable() {
      return retryable;
    }

    /** The reason of an ERROR's detail, or null if {@code code} names none. */
    public static Reason fromCode(String code) {
      for (Reason r : values()) {
        if (r.code.equals(code)) {
          return r;
        }
      }
      return null;
    }
  }

  /** A refusal: its reason and a one-line message naming the chunk and what was wrong. */
  public record Refusal(Reason reason, String message) {}

  private TokenCheck() {}

  /**
   * Checks {@code token} for {@code needed} on chunk {@code handle} at {@code nowMillis}.
   *
   * @param keys the key of an id, or null if unknown; {@code hasKeys} false means none at all
   * @param needed the accesses any one of which the operation accepts (e.g. WRITE or COPY)
   * @return null if the token is valid, else why not
   */
  public static Refusal check(ChunkToken token, long handle, long nowMillis, boolean hasKeys,
      IntFunction<TokenKey> keys, ChunkAccess... needed) {
    String chunk = "chunk " + ChunkHandles.format(handle);
    if (token.isNone()) {
      return new Refusal(Reason.MISSING, chunk + ": no access token (a token from the master is "
          + "required)");
    }
    if (!hasKeys) {
      return new Refusal(Reason.NO_KEYS, chunk + ": no token keys from the master yet");
    }
    TokenKey key = keys.apply(token.keyId());
    if (key == null) {
      return new Refusal(Reason.UNKNOWN_KEY, chunk + ": token key " + token.keyId()
          + " is unknown (the master restarted, or the key expired)");
    }
    if (!token.signedBy(key)) {
      return new Refusal(Reason.BAD_MAC, chunk + ": token signature does not match");
    }
    if (nowMillis >= token.expiryMillis()) {
      return new Refusal(Reason.EXPIRED, chunk + ": token expired "
          + (nowMillis - token.expiryMillis()) + " ms ago");
    }
    if (token.handle() != handle) {
      return new Refusal(Reason.WRONG_CHUNK, chunk + ": token is for chunk "
          + ChunkHandles.format(token.handle()));
    }
    for (ChunkAccess a : needed) {
      if (token.allows(a)) {
        return null;
      }
    }
    return new Refusal(Reason.WRONG_ACCESS, chunk + ": token allows "
        + ChunkAccess.describe(token.access()) + ", expected "
        + ChunkAccess.describe(ChunkAccess.bits(needed)));
  }
}
