package dev.granary.wire.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM text for certificates and private keys (BouncyCastle's parser and writer), and the one way
 * Granary writes a file holding a secret: mode 0600 from its first byte, fsynced, renamed into place.
 */
public final class Pem {
  private Pem() {}

  /** {@code objects} (certificates, keys) as PEM text. */
  public static String encode(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Every certificate in {@code pem}, in order.
   *
   * @throws IllegalArgumentException if the text holds no certificate or something else
   */
  public static List<X509Certificate> certificates(String pem, String what) {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (!(o instanceof X509CertificateHolder h)) {
          throw new IllegalArgumentException(what + ": expected PEM certificates, found a "
              + o.getClass().getSimpleName());
        }
        certs.add(converter.getCertificate(h));
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(what + ": not a PEM certificate: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(what + ": no PEM certificate found");
    }
    return certs;
  }

  /** The one certificate in {@code pem}. */
  public static X509Certificate certificate(String pem, String what) {
    List<X509Certificate> certs = certificates(pem, what);
    if (certs.size() != 1) {
      throw new IllegalArgumentException(what + ": expected one certificate, found "
          + certs.size());
    }
    return certs.get(0);
  }

  /** The private key in {@code pem} (PKCS#8, or a traditional key pair). */
  public static PrivateKey privateKey(String pem, String what) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IllegalArgumentException(what + ": expected a PEM private key, found "
          + (o == null ? "nothing" : "a " + o.getClass().getSimpleName()));
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": not a PEM private key: " + e.getMessage(), e);
    }
  }

  /** {@code key} as PKCS#8 PEM text ({@code BEGIN PRIVATE KEY}). */
  public static String encodeKey(PrivateKey key) {
    try {
      return encode(new JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException("cannot encode a " + key.getAlgorithm() + " key: " + e, e);
    }
  }

  /** Reads {@code file} as text; a missing file is {@link java.nio.file.NoSuchFileException}. */
  public static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }

  /**
   * Writes {@code text} to {@code file} so that a crash leaves the old file or the new one: a
   * sibling temp file created with {@code mode} (e.g. {@code rw-------}), fsynced, renamed over
   * {@code file}, and the directory fsynced.
   */
  public static void writeAtomically(Path file, String text, String mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString(mode)));
    try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (var ch = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot open a directory for fsync; the rename itself is done.
    }
  }

  /** Writes a secret (a key, a token) mode 0600. */
  public static void writeSecret(Path file, String text) throws IOException {
    writeAtomically(file, text, "rw-------");
  }
}
