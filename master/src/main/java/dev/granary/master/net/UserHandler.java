package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.journal.Op;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.security.Caller;
import dev.granary.master.security.Tokens;
import dev.granary.master.security.UserRegistry;
import dev.granary.wire.Status;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.UserRequest;
import dev.granary.wire.msg.UserResponse;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * USER: a superuser adds a user (a new token, whose hash alone is journaled; the token goes back
 * once, in the answer) or revokes one. Answered once the record is durable. Refused without
 * security: with {@code none} there are no identities to manage.
 */
public final class UserHandler implements RequestHandler<UserRequest> {
  private static final Logger log = LoggerFactory.getLogger(UserHandler.class);
  private final String nodeId;
  private final boolean secured;
  private final MetadataService service;
  private final String caCertPem;
  private final Clock clock;

  /** {@code caCertPem}: the cluster authority's certificate, handed out with new credentials. */
  public UserHandler(String nodeId, boolean secured, MetadataService service, String caCertPem,
      Clock clock) {
    this.nodeId = nodeId;
    this.secured = secured;
    this.service = service;
    this.caCertPem = caCertPem;
    this.clock = clock;
  }

  @Override
  public Class<UserRequest> type() {
    return UserRequest.class;
  }

  @Override
  public CompletableFuture<Message> handle(UserRequest r, PeerContext peer) {
    if (!secured) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "users need master.security tls; "
          + "this master runs with none, where every caller is the superuser");
    }
    Caller caller = peer.caller();
    if (!caller.superuser()) {
      throw new MetadataException(Status.DENIED, "only a superuser may "
          + r.action().name().toLowerCase() + " users; " + caller.user() + " is not one");
    }
    return switch (r.action()) {
      case ADD -> add(r, caller);
      case REVOKE -> revoke(r, caller);
    };
  }

  private CompletableFuture<Message> add(UserRequest r, Caller caller) {
    String name = r.name();
    String group = r.group().isEmpty() ? name : r.group();
    UserRegistry.checkName("user", name);
    UserRegistry.checkName("group", group);
    String token = Tokens.generate();
    return service.record(new Op.UserAdd(clock.millis(), name, group, r.superuser(),
        Tokens.hash(token))).thenApply(v -> {
          log.info("{}: {} added user {} (group {}{})", nodeId, caller.user(), name, group,
              r.superuser() ? ", superuser" : "");
          return new UserResponse(name, group, r.superuser(), token, caCertPem);
        });
  }

  private CompletableFuture<Message> revoke(UserRequest r, Caller caller) {
    String name = r.name();
    return service.record(new Op.UserRevoke(clock.millis(), name)).thenApply(v -> {
      UserRegistry.User u = service.users().get(name);
      log.info("{}: {} revoked user {}", nodeId, caller.user(), name);
      return new UserResponse(name, u.group(), u.superuser(), "", caCertPem);
    });
  }
}
