package dev.granary.chunkserver.net;

import dev.granary.config.HostPort;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.JoinRequest;
import dev.granary.wire.msg.JoinResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.CertificateAuthority;
import dev.granary.wire.tls.JoinToken;
import dev.granary.wire.tls.NodeCertificate;
import dev.granary.wire.tls.NodeKeys;
import dev.granary.wire.tls.Pem;
import dev.granary.wire.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a {@code tls} cluster once: generates the node's key pair, reaches the master over TLS that
 * trusts only the authority the join token names, trades the token for a certificate, and stores
 * the key, certificate and authority in the data dir. Later starts load them and need no token.
 */
public final class Joiner {
  private static final Logger log = LoggerFactory.getLogger(Joiner.class);

  /** The master refused the token (wrong or rotated): retrying cannot help. */
  public static final class JoinRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    JoinRefusedException(String message) {
      super(message);
    }
  }

  private Joiner() {}

  /**
   * Joins, retrying with backoff while the master is unreachable.
   *
   * @throws JoinRefusedException if the master refuses the token or the node
   * @throws IllegalArgumentException if {@code tokenText} is not a join token
   */
  public static NodeKeys join(String nodeId, String software, HostPort master, String tokenText,
      Path dir, String name, EventLoopGroup loop, Duration timeout)
      throws IOException, InterruptedException {
    JoinToken token = JoinToken.parse(tokenText);
    KeyPair pair = CertificateAuthority.newKeyPair();
    JoinRequest request = new JoinRequest(token.secret(), nodeId,
        Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    Backoff backoff = new Backoff();
    boolean warned = false;
    log.info("{}: joining the cluster of master {} with a join token", nodeId, master);
    while (true) {
      try {
        JoinResponse r = call(master, request, software, token, loop, timeout);
        X509Certificate cert = Pem.certificate(r.certificate(), "the master's JOIN answer");
        X509Certificate ca = Pem.certificate(r.ca(), "the master's JOIN answer");
        if (!token.names(ca) || !cert.getPublicKey().equals(pair.getPublic())
            || !new NodeCertificate(Role.CHUNKSERVER, nodeId).equals(
                NodeCertificate.of(cert).orElse(null))) {
          throw new JoinRefusedException("master " + master + " answered the join with a"
              + " certificate that is not this node's under the token's authority");
        }
        cert.verify(ca.getPublicKey());
        NodeKeys keys = new NodeKeys(pair.getPrivate(), cert, ca);
        keys.store(dir, name);
        log.info("{}: joined; certificate stored in {}", nodeId, dir);
        return keys;
      } catch (RemoteException e) {
        if (e.status() == Status.DENIED || e.status() == Status.INVALID_ARGUMENT
            || e.status() == Status.ALREADY_EXISTS) {
          throw new JoinRefusedException("master " + master + " refused the join: "
              + e.getMessage());
        }
        warned = retry(nodeId, master, e, warned);
      } catch (IOException | TimeoutException e) {
        warned = retry(nodeId, master, e, warned);
      } catch (java.security.GeneralSecurityException e) {
        throw new JoinRefusedException("master " + master + " answered the join with a"
            + " certificate its authority did not sign: " + e.getMessage());
      }
      Thread.sleep(backoff.nextDelayMillis());
    }
  }

  private static boolean retry(String nodeId, HostPort master, Exception e, boolean warned) {
    if (!warned) {
      log.warn("{}: cannot join through master {} yet ({}); retrying with backoff", nodeId,
          master, e.getMessage());
    } else {
      log.debug("{}: join through master {} failed again: {}", nodeId, master, e.getMessage());
    }
    return true;
  }

  private static JoinResponse call(HostPort master, JoinRequest request, String software,
      JoinToken token, EventLoopGroup loop, Duration timeout)
      throws IOException, RemoteException, TimeoutException, InterruptedException {
    Connection c;
    try {
      c = Connection.connect(Transports.clientBootstrap(loop, timeout), master.host(),
          master.port(), Role.CLIENT, "", software, timeout,
          TlsContexts.pinned(token.caSha256())).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
    try {
      Message m = c.call(request, timeout).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      if (!(m instanceof JoinResponse r)) {
        throw new IOException("master " + master + " answered JOIN with " + m.type());
      }
      return r;
    } catch (ExecutionException e) {
      throw unwrap(e);
    } finally {
      c.close();
    }
  }

  private static IOException unwrap(ExecutionException e) throws RemoteException {
    Throwable t = e.getCause();
    if (t instanceof RemoteException r) {
      throw r;
    }
    return t instanceof IOException io ? io : new IOException(String.valueOf(t.getMessage()), t);
  }
}
