package dev.granary.wire.tls;

import dev.granary.wire.Role;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The certificate profile that binds a node to its key: subject {@code CN=<node id>,
 * OU=<role>, O=Granary}, issued by the cluster's authority. A peer's role (master or chunkserver)
 * and id are read from here, never taken from what it announces; clients have no certificate and
 * prove who they are with a user token instead.
 */
public record NodeCertificate(Role role, String nodeId) {
  static final String ORGANIZATION = "Granary";

  /** The subject name this profile gives a node. */
  X500Name subject() {
    return new X500Name(new RDN[] {
        rdn(BCStyle.O, ORGANIZATION),
        rdn(BCStyle.OU, role.name().toLowerCase(Locale.ROOT)),
        rdn(BCStyle.CN, nodeId)});
  }

  private static RDN rdn(org.bouncycastle.asn1.ASN1ObjectIdentifier type, String value) {
    return new X500Name(new RDN[] {new RDN(type, new org.bouncycastle.asn1.DERUTF8String(value))})
        .getRDNs()[0];
  }

  /**
   * The node a certificate of this profile names, or empty if it names none (no OU of a server
   * role, no CN): a certificate from elsewhere.
   */
  public static Optional<NodeCertificate> of(X509Certificate cert) {
    X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    String cn = first(subject, BCStyle.CN);
    String ou = first(subject, BCStyle.OU);
    if (cn == null || cn.isEmpty() || ou == null) {
      return Optional.empty();
    }
    Role role;
    if (ou.equals("chunkserver")) {
      role = Role.CHUNKSERVER;
    } else if (ou.equals("master")) {
      role = Role.MASTER;
    } else {
      return Optional.empty();
    }
    return Optional.of(new NodeCertificate(role, cn));
  }

  private static String first(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
    RDN[] rdns = name.getRDNs(type);
    return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }

  @Override
  public String toString() {
    return role.name().toLowerCase(Locale.ROOT) + " " + nodeId;
  }
}
