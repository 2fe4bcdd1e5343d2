package dev.granary.master.security;

import dev.granary.wire.Role;
import dev.granary.wire.tls.CertificateAuthority;
import dev.granary.wire.tls.NodeKeys;
import dev.granary.wire.tls.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's half of the cluster's public-key infrastructure, kept in {@code DATA_DIR/tls/}: the
 * authority ({@code ca.crt}, {@code ca.key} 0600) and the master's own certificate ({@code
 * master.crt}, {@code master.key} 0600). Created on the first start of a {@code tls} cluster and
 * loaded afterwards; the authority is what a backup of the master must include, because every
 * node's certificate and every credentials file trusts it.
 */
public final class ClusterPki {
  private static final Logger log = LoggerFactory.getLogger(ClusterPki.class);
  public static final String DIR = "tls";
  private static final String CA_KEY = "ca.key";
  private static final String MASTER = "master";

  private final CertificateAuthority authority;
  private final NodeKeys masterKeys;

  private ClusterPki(CertificateAuthority authority, NodeKeys masterKeys) {
    this.authority = authority;
    this.masterKeys = masterKeys;
  }

  /**
   * Loads the authority and the master's certificate from {@code dataDir/tls}, creating what is
   * missing: a new authority only when there is none at all (never a second one beside existing
   * certificates), and a new master certificate when it is missing or names another master id.
   *
   * @throws IOException if a file cannot be read or written, or the directory holds half an
   *     authority (a certificate without its key, or the reverse)
   */
  public static ClusterPki open(Path dataDir, String clusterId, String masterId, Instant now)
      throws IOException {
    Path dir = dataDir.resolve(DIR);
    Files.createDirectories(dir);
    Path caCert = dir.resolve(NodeKeys.CA_FILE);
    Path caKey = dir.resolve(CA_KEY);
    CertificateAuthority ca;
    if (!Files.exists(caCert) && !Files.exists(caKey)) {
      ca = CertificateAuthority.create(clusterId, now);
      Pem.writeAtomically(caCert, Pem.encode(ca.certificate()), "rw-r--r--");
      Pem.writeSecret(caKey, Pem.encodeKey(ca.key()));
      log.info("{}: created the cluster's certificate authority in {}", masterId, dir);
    } else if (Files.exists(caCert) && Files.exists(caKey)) {
      try {
        X509Certificate cert = Pem.certificate(Pem.read(caCert), caCert.toString());
        PrivateKey key = Pem.privateKey(Pem.read(caKey), caKey.toString());
        ca = new CertificateAuthority(cert, key);
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage(), e);
      }
    } else {
      throw new IOException(dir + " holds " + (Files.exists(caCert) ? caCert : caKey)
          + " without " + (Files.exists(caCert) ? caKey : caCert) + ": restore both from the"
          + " backup of this master's data dir (a new authority would orphan every node)");
    }
    Optional<NodeKeys> loaded = NodeKeys.load(dir, MASTER);
    NodeKeys keys;
    if (loaded.isPresent() && loaded.get().node().nodeId().equals(masterId)
        && loaded.get().ca().equals(ca.certificate())) {
      keys = loaded.get();
    } else {
      keys = ca.issueKeys(Role.MASTER, masterId, now);
      keys.store(dir, MASTER);
      log.info("{}: issued the master's certificate", masterId);
    }
    return new ClusterPki(ca, keys);
  }

  public CertificateAuthority authority() {
    return authority;
  }

  public NodeKeys masterKeys() {
    return masterKeys;
  }

  /** The authority's certificate as PEM: what clients trust (the {@code caCert} of credentials). */
  public String caPem() {
    return Pem.encode(authority.certificate());
  }
}
