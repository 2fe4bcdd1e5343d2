package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.security.Caller;
import dev.granary.master.security.UserRegistry;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.AuthenticateResponse;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AUTHENTICATE: binds a client connection to the user whose token it presents; an empty user
 * means "whoever this token belongs to" (a REST gateway holds only a Bearer token). A wrong user or
 * token is DENIED (one line that does not say which of the three it was) and logged at WARN with
 * the remote host, never the token; the connection is then bound to no one. Without security every
 * caller is the superuser: the answer says so and nothing is checked.
 */
public final class AuthenticateHandler implements SessionHandler<AuthenticateRequest> {
  private static final Logger log = LoggerFactory.getLogger(AuthenticateHandler.class);
  private final String nodeId;
  private final boolean secured;
  private final UserRegistry users;

  public AuthenticateHandler(String nodeId, boolean secured, UserRegistry users) {
    this.nodeId = nodeId;
    this.secured = secured;
    this.users = users;
  }

  @Override
  public Class<AuthenticateRequest> type() {
    return AuthenticateRequest.class;
  }

  @Override
  public CompletableFuture<AuthenticateResponse> handle(AuthenticateRequest r, PeerContext peer,
      Session session) {
    if (!secured) {
      Caller c = Caller.UNSECURED;
      return CompletableFuture.completedFuture(
          new AuthenticateResponse(c.user(), c.group(), c.superuser()));
    }
    boolean byToken = r.user().isEmpty();
    UserRegistry.User u = byToken ? users.authenticateToken(r.token())
        : users.authenticate(r.user(), r.token());
    session.bind(u);
    if (u == null) {
      String who = byToken ? "a token" : "user " + r.user();
      log.warn("{}: authentication failed for {} from {}", nodeId, who, peer.remoteHost());
      throw new MetadataException(Status.DENIED, "authentication failed for " + who
          + (byToken ? ": unknown or revoked token" : ": unknown user, revoked, or wrong token"));
    }
    log.debug("{}: {} authenticated as {} from {}", nodeId, peer.peerId(), u.name(),
        peer.remoteHost());
    return CompletableFuture.completedFuture(
        new AuthenticateResponse(u.name(), u.group(), u.superuser()));
  }
}
