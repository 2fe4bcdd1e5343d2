package dev.granary.client.internal;

import dev.granary.config.Credentials;
import dev.granary.config.HostPort;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.AuthenticateResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Authenticates every new connection to the master with the client's credentials, before any
 * other request goes over it: the pools call it right after the handshake, on every dial and
 * re-dial. Connections to chunkservers and a client without credentials are left alone. A refusal
 * is the master's ERROR (DENIED, with its one line), thrown as a {@link RemoteException}, and the
 * connection is not kept.
 */
final class MasterLogin {
  /** A login that never authenticates (no credentials). */
  public static final MasterLogin NONE = new MasterLogin(null, null);

  private final String masterPeer;
  private final Credentials credentials;

  /** Logs in to {@code master} with {@code credentials} (null: never). */
  public MasterLogin(HostPort master, Credentials credentials) {
    this.masterPeer = master == null ? null : master.host() + ":" + master.port();
    this.credentials = credentials;
  }

  /** The client's credentials, or null (the TLS context trusts their {@code caCert}). */
  public Credentials credentials() {
    return credentials;
  }

  /** Whether a new connection to {@code host:port} must authenticate first. */
  boolean appliesTo(String peer) {
    return credentials != null && peer.equals(masterPeer);
  }

  private AuthenticateRequest request() {
    return new AuthenticateRequest(credentials.user(), credentials.token());
  }

  /** Authenticates a new blocking connection if it goes to the master. */
  void login(DirectConnection c, long timeoutNanos) throws Exception {
    if (appliesTo(c.peer())) {
      check(c.call(request(), timeoutNanos), c.peer());
    }
  }

  /** Authenticates a new pooled connection if it goes to the master. */
  CompletableFuture<Connection> login(Connection c, String peer, Duration timeout) {
    if (!appliesTo(peer)) {
      return CompletableFuture.completedFuture(c);
    }
    return c.call(request(), timeout).thenApply(reply -> {
      try {
        check(reply, peer);
      } catch (RemoteException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
      return c;
    });
  }

  private static void check(Message reply, String peer) throws RemoteException {
    if (!(reply instanceof AuthenticateResponse)) {
      throw new RemoteException(Status.PROTOCOL, "master " + peer + " answered AUTHENTICATE "
          + "with " + reply.type(), "");
    }
  }
}
