package dev.granary.master.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * User tokens: 32 bytes from {@link SecureRandom}, base64url without padding. The master keeps only
 * a token's SHA-256 and compares hashes in constant time ({@link MessageDigest#isEqual}), so
 * neither the metadata on disk nor the timing of a refusal gives a token away. A token is a random
 * 256-bit secret, so one unsalted hash is enough: there is no dictionary to guess from.
 */
public final class Tokens {
  /** Random bytes in a token. */
  public static final int BYTES = 32;
  /** Bytes of a token's hash (SHA-256). */
  public static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Tokens() {}

  /** A new token. */
  public static String generate() {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** SHA-256 of the token's UTF-8 bytes. */
  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Whether {@code token} hashes to {@code hash}, compared in constant time. */
  public static boolean matches(String token, byte[] hash) {
    return MessageDigest.isEqual(hash(token), hash);
  }

  /** A hash as the 64 hex digits the operation log and checkpoints hold. */
  public static String toHex(byte[] hash) {
    return HEX.formatHex(hash);
  }

  /**
   * Parses a hash written by {@link #toHex}.
   *
   * @throws IllegalArgumentException if it is not {@value #HASH_BYTES} bytes of hex
   */
  public static byte[] fromHex(String hex) {
    byte[] b;
    try {
      b = HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("token hash '" + hex + "' is not hex");
    }
    if (b.length != HASH_BYTES) {
      throw new IllegalArgumentException("token hash has " + b.length + " bytes; expected "
          + HASH_BYTES);
    }
    return b;
  }
}
