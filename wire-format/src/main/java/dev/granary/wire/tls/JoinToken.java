package dev.granary.wire.tls;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A cluster's join token: {@code gr1.<base64url SHA-256 of the authority's certificate>.<base64url
 * 32 random bytes>}. The first part lets a new node trust the master before it has the authority's
 * certificate (pinning it, as kubeadm's discovery hash does); the second is the secret the master
 * checks.
 */
public record JoinToken(byte[] caSha256, String secret) {
  private static final String PREFIX = "gr1";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A new token with a fresh secret for the authority {@code ca}. */
  public static JoinToken create(X509Certificate ca) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new JoinToken(sha256(ca), B64.encodeToString(secret));
  }

  /** The SHA-256 of a certificate's DER encoding. */
  public static byte[] sha256(X509Certificate cert) {
    return PinnedAuthorityTrust.sha256(cert);
  }

  /**
   * Parses a token as an operator pasted it (surrounding white space ignored).
   *
   * @throws IllegalArgumentException naming what is wrong, never echoing the secret
   */
  public static JoinToken parse(String text) {
    String[] parts = text.strip().split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(PREFIX) || parts[2].isEmpty()) {
      throw new IllegalArgumentException("not a Granary join token (expected gr1.HASH.SECRET, as"
          + " in the master's join-token file)");
    }
    byte[] hash;
    try {
      hash = Base64.getUrlDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      hash = new byte[0];
    }
    if (hash.length != 32) {
      throw new IllegalArgumentException("not a Granary join token: its authority hash is not a"
          + " base64url SHA-256");
    }
    return new JoinToken(hash, parts[2]);
  }

  /** Whether this token names the authority {@code ca}. */
  public boolean names(X509Certificate ca) {
    return java.security.MessageDigest.isEqual(caSha256, sha256(ca));
  }

  /** The token as text. */
  public String format() {
    return PREFIX + "." + B64.encodeToString(caSha256) + "." + secret;
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "JoinToken[" + PREFIX + "." + B64.encodeToString(caSha256) + ".***]";
  }
}
