package dev.granary.wire.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * A node's TLS identity: its private key, its certificate (issued by the cluster's authority) and
 * the authority's certificate, which is all it trusts. Kept in a directory as {@code NAME.key}
 * (0600), {@code NAME.crt} and {@code ca.crt}.
 */
public record NodeKeys(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
  public static final String CA_FILE = "ca.crt";

  /** Who this certificate names. */
  public NodeCertificate node() {
    return NodeCertificate.of(certificate).orElseThrow(() -> new IllegalStateException(
        "the certificate " + certificate.getSubjectX500Principal() + " names no Granary node"));
  }

  /**
   * Loads {@code dir/NAME.key}, {@code dir/NAME.crt} and {@code dir/ca.crt}; empty if the key does
   * not exist (the node has no identity yet).
   *
   * @throws IOException if a file cannot be read, or holds no valid PEM (named in the message)
   */
  public static Optional<NodeKeys> load(Path dir, String name) throws IOException {
    Path keyFile = dir.resolve(name + ".key");
    if (!Files.exists(keyFile)) {
      return Optional.empty();
    }
    try {
      PrivateKey key = Pem.privateKey(Pem.read(keyFile), keyFile.toString());
      X509Certificate cert = Pem.certificate(Pem.read(dir.resolve(name + ".crt")),
          dir.resolve(name + ".crt").toString());
      X509Certificate ca = Pem.certificate(Pem.read(dir.resolve(CA_FILE)),
          dir.resolve(CA_FILE).toString());
      return Optional.of(new NodeKeys(key, cert, ca));
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Writes the three files durably, the certificates first and the key last, so that a crash
   * leaves either no identity (no key: join again) or a complete one.
   */
  public void store(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Pem.writeAtomically(dir.resolve(CA_FILE), Pem.encode(ca), "rw-r--r--");
    Pem.writeAtomically(dir.resolve(name + ".crt"), Pem.encode(certificate), "rw-r--r--");
    Pem.writeSecret(dir.resolve(name + ".key"), Pem.encodeKey(key));
  }
}
