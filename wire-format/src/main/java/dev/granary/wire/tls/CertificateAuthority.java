package dev.granary.wire.tls;

import dev.granary.wire.Role;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's certificate authority: a self-signed ECDSA P-256 certificate and its key, which
 * signs the certificate of every node ({@link NodeCertificate}). It lives in the master's data dir;
 * whoever holds its key can mint nodes, so it is written 0600 and backed up like the metadata.
 * Certificates are issued with BouncyCastle's builder (the JDK verifies certificates but has no
 * public API to issue them) and signed through the JDK's own providers.
 */
public final class CertificateAuthority {
  /** How long the authority's own certificate is valid. */
  public static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
  /** How long a node's certificate is valid (renewal is a re-join; see the README). */
  public static final Duration NODE_VALIDITY = Duration.ofDays(10 * 365);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new authority for the cluster {@code clusterId}, valid from {@code now}. */
  public static CertificateAuthority create(String clusterId, Instant now) {
    KeyPair pair = newKeyPair();
    X500Name name = new X500Name("O=" + NodeCertificate.ORGANIZATION + ",CN=Granary cluster "
        + clusterId + " authority");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name,
          pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the cluster's authority: " + e, e);
    }
  }

  /** A fresh ECDSA P-256 key pair: what every node's certificate is issued for. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate EC P-256 keys: " + e, e);
    }
  }

  /**
   * A certificate for {@code node}'s public key, valid from {@code now} for
   * {@link #NODE_VALIDITY}, usable as a TLS server and as a TLS client. Its subject names the node
   * (what Granary peers check); it also carries the node id as a DNS subject alternative name, so
   * an HTTPS client that checks names (a Prometheus scraper told {@code server_name: <node id>})
   * can verify it.
   */
  public X509Certificate issue(NodeCertificate node, PublicKey publicKey, Instant now) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(NODE_VALIDITY)),
          node.subject(), publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(publicKey))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(new GeneralName(GeneralName.dNSName, node.nodeId())));
      return sign(b, key);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + node + ": " + e, e);
    }
  }

  /** A key pair and certificate for {@code role} {@code nodeId}, in one step. */
  public NodeKeys issueKeys(Role role, String nodeId, Instant now) {
    KeyPair pair = newKeyPair();
    X509Certificate cert = issue(new NodeCertificate(role, nodeId), pair.getPublic(), now);
    return new NodeKeys(pair.getPrivate(), cert, certificate);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
