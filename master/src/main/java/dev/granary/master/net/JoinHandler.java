package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.security.JoinTokens;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.JoinRequest;
import dev.granary.wire.msg.JoinResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.tls.CertificateAuthority;
import dev.granary.wire.tls.NodeCertificate;
import dev.granary.wire.tls.Pem;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JOIN: a chunkserver with the cluster's join token gets a certificate for its node id and key,
 * issued by the cluster's authority. The token is the only credential a joining node has, so it
 * arrives on an unauthenticated client connection (over TLS that pinned the authority); a wrong
 * or rotated token is refused with one WARN line naming the remote host, never the token.
 */
public final class JoinHandler implements RequestHandler<JoinRequest> {
  private static final Logger log = LoggerFactory.getLogger(JoinHandler.class);
  /** What a node id may be: what chunkservers generate, and nothing a certificate would mangle. */
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final String masterId;
  private final CertificateAuthority authority;
  private final JoinTokens tokens;
  private final Clock clock;
  private final Predicate<String> live;

  /**
   * @param live whether a node id belongs to a LIVE chunkserver now: a second node cannot join
   *     under it (a token holder must not obtain a certificate that impersonates a running node)
   */
  public JoinHandler(String masterId, CertificateAuthority authority, JoinTokens tokens,
      Clock clock, Predicate<String> live) {
    this.live = live;
    this.masterId = masterId;
    this.authority = authority;
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public Class<JoinRequest> type() {
    return JoinRequest.class;
  }

  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CLIENT);
  }

  @Override
  public CompletableFuture<? extends Message> handle(JoinRequest r, PeerContext peer) {
    if (!tokens.accepts(r.secret())) {
      log.warn("{}: refused a join from {} (node {}): wrong or rotated join token", masterId,
          peer.remoteHost(), r.nodeId());
      throw new MetadataException(Status.DENIED, "join refused: the join token is wrong or was"
          + " rotated (read the current one from the master's join-token file)");
    }
    if (!NODE_ID.matcher(r.nodeId()).matches()) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "join refused: invalid node id \""
          + r.nodeId() + "\": expected 1-64 letters, digits, '.', '_' or '-'");
    }
    if (live.test(r.nodeId())) {
      log.warn("{}: refused a join from {} as node {}: that node is live", masterId,
          peer.remoteHost(), r.nodeId());
      throw new MetadataException(Status.ALREADY_EXISTS, "join refused: chunkserver "
          + r.nodeId() + " is live; a second node cannot join under its id");
    }
    PublicKey key;
    try {
      byte[] der = Base64.getDecoder().decode(r.publicKey());
      key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "join refused: the public key of node "
          + r.nodeId() + " is not a base64 X.509 EC key");
    }
    X509Certificate cert = authority.issue(new NodeCertificate(Role.CHUNKSERVER, r.nodeId()), key,
        clock.instant());
    log.info("{}: chunkserver {} at {} joined the cluster (certificate issued)", masterId,
        r.nodeId(), peer.remoteHost());
    return CompletableFuture.completedFuture(new JoinResponse(Pem.encode(cert),
        Pem.encode(authority.certificate())));
  }
}
