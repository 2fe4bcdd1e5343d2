package dev.granary.master.security;

import dev.granary.wire.tls.JoinToken;
import dev.granary.wire.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;

/**
 * The cluster's current {@link JoinToken}, kept whole in {@code DATA_DIR/join-token} (0600) so the
 * operator can read it. It stays valid until rotated; rotating replaces the file, and the old
 * secret fails from that moment on. Secrets are compared by their SHA-256 in constant time.
 */
public final class JoinTokens {
  public static final String FILE = "join-token";

  private final Path file;
  private final X509Certificate ca;
  private volatile JoinToken current;
  private volatile byte[] secretHash;

  private JoinTokens(Path file, X509Certificate ca, JoinToken token) {
    this.file = file;
    this.ca = ca;
    set(token);
  }

  /**
   * Loads {@code dataDir/join-token}, creating it if it is missing; a file that holds no token of
   * this authority (edited by hand, or the authority was restored) is replaced with a new token.
   */
  public static JoinTokens open(Path dataDir, X509Certificate ca) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      try {
        JoinToken t = JoinToken.parse(Files.readString(file, StandardCharsets.US_ASCII));
        if (t.names(ca)) {
          return new JoinTokens(file, ca, t);
        }
      } catch (IllegalArgumentException e) {
        // not a token: replaced below
      }
    }
    JoinTokens tokens = new JoinTokens(file, ca, JoinToken.create(ca));
    tokens.write(tokens.current);
    return tokens;
  }

  /** The current token as text. */
  public String token() {
    return current.format();
  }

  /** Whether {@code secret} is the current token's secret (compared in constant time). */
  public boolean accepts(String secret) {
    return MessageDigest.isEqual(sha256(secret), secretHash);
  }

  /** Replaces the token, file first; returns the new one as text. */
  public synchronized String rotate() throws IOException {
    JoinToken next = JoinToken.create(ca);
    write(next);
    set(next);
    return next.format();
  }

  private void set(JoinToken t) {
    secretHash = sha256(t.secret());
    current = t;
  }

  private void write(JoinToken t) throws IOException {
    Pem.writeSecret(file, t.format() + "\n");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
