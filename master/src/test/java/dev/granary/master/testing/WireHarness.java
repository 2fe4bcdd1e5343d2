package dev.granary.master.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.granary.config.Credentials;
import dev.granary.master.MasterServer;
import dev.granary.master.security.AdminBootstrap;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real masters on loopback and raw protocol connections to them, for a test class that registers
 * it with {@code @RegisterExtension}: everything started through it is closed after each test, in
 * reverse order, and its event loop stopped, whether the test passed or not.
 */
public final class WireHarness implements AfterEachCallback {
  /** How long a connection's dial, handshake and each call may take. */
  public static final Duration T = Duration.ofSeconds(10);

  private final EventLoopGroup group = Transports.eventLoopGroup(1, "test-client");
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Closes {@code c} after the test (unless {@link #forget forgotten} first). */
  public <C extends AutoCloseable> C closeAtEnd(C c) {
    open.add(c);
    return c;
  }

  /** {@code c} was closed by the test itself. */
  public void forget(AutoCloseable c) {
    open.remove(c);
  }

  /** Starts {@code m}, closed after the test. */
  public MasterServer start(MasterServer m) throws IOException {
    closeAtEnd(m);
    m.start();
    return m;
  }

  /**
   * A connection to {@code m} that announced {@code role} and {@code id}; to a secured master over
   * TLS, as a node holding a certificate the authority issued for {@code id}, or as a client
   * trusting the authority and authenticated as the superuser ({@code admin.credentials}).
   */
  public Connection connect(MasterServer m, Role role, String id) throws Exception {
    Connection c = connectUnauthenticated(m, role, id);
    if (m.pki() != null && role == Role.CLIENT) {
      Credentials admin = Credentials.read(m.config().dataDir().resolve(AdminBootstrap.FILE));
      call(c, new AuthenticateRequest(admin.user(), admin.token()));
    }
    return c;
  }

  /** As {@link #connect}, but a client of a secured master does not authenticate. */
  public Connection connectUnauthenticated(MasterServer m, Role role, String id)
      throws Exception {
    SslContext tls = null;
    if (m.pki() != null) {
      tls = role == Role.CLIENT ? TlsContexts.user(m.pki().authority().certificate())
          : TlsContexts.node(m.pki().authority().issueKeys(role, id, Instant.now()));
    }
    return closeAtEnd(Connection.connect(Transports.clientBootstrap(group, T), "127.0.0.1",
        m.port(), role, id, "test", T, tls).get(10, TimeUnit.SECONDS));
  }

  public EventLoopGroup group() {
    return group;
  }

  /** Sends {@code m} and waits for the answer; an error answer is thrown as its RemoteException. */
  @SuppressWarnings("unchecked")
  public static <R extends Message> R call(Connection c, Message m) throws Exception {
    try {
      return (R) c.call(m, T).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RemoteException r) {
        throw r;
      }
      throw e;
    }
  }

  /** The status {@code m} is refused with (fails if it is answered). */
  public static Status error(Connection c, Message m) {
    return assertThrows(RemoteException.class, () -> call(c, m), m::toString).status();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
      open.clear();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
