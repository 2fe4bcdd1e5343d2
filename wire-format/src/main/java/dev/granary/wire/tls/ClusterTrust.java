package dev.granary.wire.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly one cluster's authority (the JDK's PKIX validation against it), and says in words
 * what went wrong when a peer's certificate is not from it: the authority that did issue it, which
 * names its cluster ("Granary cluster &lt;id&gt; authority"). A master restarted on another
 * cluster's data dir, or credentials of another cluster, are then one readable line.
 */
final class ClusterTrust implements X509TrustManager {
  private final X509TrustManager pkix;
  private final X509Certificate ca;

  ClusterTrust(X509Certificate ca) {
    this.ca = ca;
    X509TrustManager found = null;
    for (TrustManager tm : TlsContexts.trustOnly(ca).getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        found = x;
      }
    }
    if (found == null) {
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    }
    this.pkix = found;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw explained(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      pkix.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw explained(chain, e);
    }
  }

  private CertificateException explained(X509Certificate[] chain, CertificateException e) {
    if (chain == null || chain.length == 0) {
      return e;
    }
    X509Certificate leaf = chain[0];
    String issuer = leaf.getIssuerX500Principal().getName();
    String ours = ca.getSubjectX500Principal().getName();
    if (issuer.equals(ours)) {
      return e; // our authority's name, yet invalid (expired, tampered): the JDK's words
    }
    return new CertificateException("the peer's certificate ("
        + leaf.getSubjectX500Principal().getName() + ") was issued by " + issuer
        + ", not by this cluster's authority " + ours, e);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {ca};
  }
}
