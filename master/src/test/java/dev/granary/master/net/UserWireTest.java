package dev.granary.master.net;

import static dev.granary.master.testing.WireHarness.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import dev.granary.config.Credentials;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.journal.LogStorage;
import dev.granary.master.security.AdminBootstrap;
import dev.granary.master.testing.WireHarness;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.AuthenticateResponse;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import dev.granary.wire.msg.UserRequest;
import dev.granary.wire.msg.UserResponse;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Users and authentication on a real master: AUTHENTICATE, USER add/revoke, restarts. */
class UserWireTest {
  private static final ListRequest LIST = new ListRequest("/", "", 100);
  @TempDir
  Path tmp;
  @RegisterExtension
  final WireHarness wire = new WireHarness();

  private MasterConfig config(String security, long checkpointOps) {
    return new MasterConfig("127.0.0.1", 0, tmp.resolve("m"), 1 << 20, 3, 2,
        Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30), "round-robin",
        checkpointOps, 2).withSecurity(security);
  }

  private MasterServer start(String security, long checkpointOps) throws IOException {
    return wire.start(new MasterServer(config(security, checkpointOps), Clock.systemUTC(),
        Ticker.systemTicker(), LogStorage.DEFAULT));
  }

  /** The authority's certificate the secured master created in its data dir. */
  private String pem() throws IOException {
    return Files.readString(tmp.resolve("m").resolve("tls").resolve("ca.crt"));
  }

  private MasterServer secured() throws IOException {
    return start("tls", 100_000);
  }

  private Connection client(MasterServer m) throws Exception {
    return wire.connectUnauthenticated(m, Role.CLIENT, "c-" + System.nanoTime());
  }

  private Credentials admin() {
    return Credentials.read(tmp.resolve("m").resolve(AdminBootstrap.FILE));
  }

  /** A connection authenticated with {@code c}. */
  private Connection as(MasterServer m, Credentials c) throws Exception {
    Connection conn = client(m);
    AuthenticateResponse r = call(conn, new AuthenticateRequest(c.user(), c.token()));
    assertEquals(c.user(), r.user());
    return conn;
  }

  private static RemoteException refused(Connection c, Message m, Status status) {
    RemoteException e = assertThrows(RemoteException.class, () -> call(c, m), m::toString);
    assertEquals(status, e.status(), e.getMessage());
    return e;
  }

  private Credentials add(Connection c, String name, String group, boolean superuser)
      throws Exception {
    UserResponse r = call(c, new UserRequest(UserRequest.Action.ADD, name, group, superuser));
    assertEquals(pem(), r.caCert());
    return new Credentials(r.name(), r.token(), r.caCert());
  }

  @Test
  void firstSecuredStartWritesAdminCredentials() throws Exception {
    secured();
    Path file = tmp.resolve("m").resolve(AdminBootstrap.FILE);
    assertEquals(Credentials.MODE, Files.getPosixFilePermissions(file));
    Credentials admin = admin();
    assertEquals("admin", admin.user());
    assertEquals(pem(), admin.caCert());
    assertEquals(43, admin.token().length());
  }

  @Test
  void withoutAuthenticationOnlyPingAndAuthenticateAreServed() throws Exception {
    MasterServer m = secured();
    Connection c = client(m);
    RemoteException e = refused(c, LIST, Status.DENIED);
    assertEquals("not authenticated: pass --credentials FILE (or set GRANARY_CREDENTIALS)",
        e.getMessage());
    refused(c, new MkdirRequest("c", 1, "/x", false), Status.DENIED);
    assertEquals(new Pong(), call(c, new Ping()));
  }

  @Test
  void wrongTokenOrUnknownUserIsDeniedWithOneLine() throws Exception {
    MasterServer m = secured();
    Connection c = client(m);
    RemoteException e = refused(c, new AuthenticateRequest("admin", "not-the-token"),
        Status.DENIED);
    assertEquals("authentication failed for user admin: unknown user, revoked, or wrong token",
        e.getMessage());
    refused(c, new AuthenticateRequest("mallory", admin().token()), Status.DENIED);
    refused(c, LIST, Status.DENIED);
    // The connection may still authenticate properly afterwards.
    call(c, new AuthenticateRequest("admin", admin().token()));
    ListResponse l = call(c, LIST);
    assertTrue(l.entries().isEmpty());
  }

  @Test
  void anEmptyUserAuthenticatesAsTheTokensOwnerUntilRevoked() throws Exception {
    MasterServer m = secured();
    Connection admin = as(m, admin());
    Credentials bob = add(admin, "bob", "staff", false);
    Connection byToken = client(m);
    assertEquals(new AuthenticateResponse("bob", "staff", false),
        call(byToken, new AuthenticateRequest("", bob.token())));
    ListResponse listed = call(byToken, LIST);
    assertTrue(listed.entries().isEmpty());
    assertEquals(new AuthenticateResponse("admin", "admin", true),
        call(client(m), new AuthenticateRequest("", admin().token())));

    RemoteException wrong = refused(client(m), new AuthenticateRequest("", "not-a-token"),
        Status.DENIED);
    assertEquals("authentication failed for a token: unknown or revoked token",
        wrong.getMessage());
    call(admin, new UserRequest(UserRequest.Action.REVOKE, "bob", "", false));
    refused(byToken, LIST, Status.DENIED);
    refused(client(m), new AuthenticateRequest("", bob.token()), Status.DENIED);
  }

  @Test
  void adminAddsBobWhoListsButCannotManageUsersUntilRevoked() throws Exception {
    MasterServer m = secured();
    Connection admin = as(m, admin());
    Credentials bob = add(admin, "bob", "", false);
    assertEquals(43, bob.token().length());
    Connection bobConn = as(m, bob);
    AuthenticateResponse who = call(client(m), new AuthenticateRequest("bob", bob.token()));
    assertEquals(new AuthenticateResponse("bob", "bob", false), who);
    call(admin, new MkdirRequest("a", 1, "/d", false));
    ListResponse l = call(bobConn, LIST);
    assertEquals("/d", l.entries().get(0).path());

    RemoteException denied = refused(bobConn,
        new UserRequest(UserRequest.Action.ADD, "eve", "", true), Status.DENIED);
    assertEquals("only a superuser may add users; bob is not one", denied.getMessage());
    refused(admin, new UserRequest(UserRequest.Action.ADD, "bob", "", false),
        Status.ALREADY_EXISTS);
    refused(admin, new UserRequest(UserRequest.Action.ADD, "-x", "", false),
        Status.INVALID_ARGUMENT);
    refused(admin, new UserRequest(UserRequest.Action.ADD, "x", "a b", false),
        Status.INVALID_ARGUMENT);
    RemoteException adminRevoke = refused(admin,
        new UserRequest(UserRequest.Action.REVOKE, "admin", "", false), Status.INVALID_ARGUMENT);
    assertEquals("the superuser cannot be revoked; rotate by adding another superuser",
        adminRevoke.getMessage());
    refused(admin, new UserRequest(UserRequest.Action.REVOKE, "nobody", "", false),
        Status.NOT_FOUND);

    UserResponse revoked = call(admin, new UserRequest(UserRequest.Action.REVOKE, "bob", "",
        false));
    assertEquals("", revoked.token());
    RemoteException gone = refused(bobConn, LIST, Status.DENIED);
    assertTrue(gone.getMessage().startsWith("user bob is no longer valid"), gone.getMessage());
    refused(client(m), new AuthenticateRequest("bob", bob.token()), Status.DENIED);

    // Re-adding a revoked name gives it a new token; the old one stays dead.
    Credentials bob2 = add(admin, "bob", "staff", true);
    assertNotEquals(bob.token(), bob2.token());
    refused(bobConn, LIST, Status.DENIED);
    refused(client(m), new AuthenticateRequest("bob", bob.token()), Status.DENIED);
    Connection staff = as(m, bob2);
    add(staff, "carol", "", false); // bob is a superuser now
  }

  @Test
  void usersSurviveRestartsFromTheLogAndFromACheckpoint() throws Exception {
    MasterServer m = start("tls", 3);
    Credentials admin = admin();
    Connection a = as(m, admin);
    Credentials bob = add(a, "bob", "", false);
    Credentials carol = add(a, "carol", "ops", false);
    call(a, new UserRequest(UserRequest.Action.REVOKE, "carol", "", false));
    wire.forget(m);
    m.close();

    // Restart: replayed from the log (a checkpoint may cover part of it).
    m = start("tls", 3);
    assertEquals(admin, admin(), "admin.credentials was rewritten");
    as(m, bob);
    refused(client(m), new AuthenticateRequest("carol", carol.token()), Status.DENIED);
    Connection a2 = as(m, admin);
    Credentials dave = add(a2, "dave", "", false);
    for (int i = 0; i < 4; i++) {
      call(a2, new MkdirRequest("a", i, "/d" + i, false)); // enough records for a checkpoint
    }
    wire.forget(m);
    m.close();
    assertTrue(Files.list(tmp.resolve("m")).anyMatch(p -> p.getFileName().toString()
        .startsWith("checkpoint")), "no checkpoint was written");

    // A deleted admin.credentials is not made again: the admin's token still works.
    Files.delete(tmp.resolve("m").resolve(AdminBootstrap.FILE));
    m = start("tls", 3);
    assertFalse(Files.exists(tmp.resolve("m").resolve(AdminBootstrap.FILE)));
    as(m, admin);
    as(m, bob);
    as(m, dave);
    refused(client(m), new AuthenticateRequest("carol", carol.token()), Status.DENIED);
  }

  @Test
  void chunkserversNeedNoAuthentication() throws Exception {
    MasterServer m = secured();
    Connection cs = wire.connect(m, Role.CHUNKSERVER, "cs1");
    RegisterResponse r = call(cs, new RegisterRequest("cs1", 9001, 1L << 40, 0, 1L << 40, ""));
    assertEquals(m.clusterId(), r.clusterId());
  }

  @Test
  void withoutSecurityNothingChanges() throws Exception {
    MasterServer m = start("none", 100_000);
    assertFalse(Files.exists(tmp.resolve("m").resolve(AdminBootstrap.FILE)));
    Connection c = client(m);
    call(c, new MkdirRequest("c", 1, "/x", false));
    ListResponse l = call(c, LIST);
    assertEquals(1, l.entries().size());
    assertEquals(new AuthenticateResponse("admin", "admin", true),
        call(c, new AuthenticateRequest("anyone", "anything")));
    refused(c, new UserRequest(UserRequest.Action.ADD, "bob", "", false),
        Status.INVALID_ARGUMENT);
  }

  @Test
  void aSecuredMasterKeepsItsAuthorityAcrossRestarts() throws Exception {
    MasterServer m = secured();
    String first = pem();
    m.close();
    wire.forget(m);
    secured();
    assertEquals(first, pem());
    assertEquals(first, admin().caCert());
  }
}
