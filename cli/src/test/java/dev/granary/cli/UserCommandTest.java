package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.Credentials;
import dev.granary.config.MasterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code granary user add/revoke} and {@code --credentials} against a secured in-JVM master. */
class UserCommandTest {
  @TempDir
  Path tmp;
  private LocalCluster cluster;
  private String master;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(LocalCluster.Settings.defaults().withChunkservers(0)
        .withSecurity(MasterConfig.TLS), tmp.resolve("cluster"), false);
    master = cluster.masterAddress().toString();
    admin = cluster.adminCredentials().toString();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private MainTest.Result granary(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--master";
    all[args.length + 1] = master;
    return MainTest.run(all);
  }

  @Test
  void addedUserListsWithItsFileAndNothingWorksWithoutOne() throws Exception {
    Path bob = tmp.resolve("bob.credentials");
    MainTest.Result added = granary("user", "add", "bob", "--group", "staff", "--out",
        bob.toString(), "--credentials", admin);
    assertEquals(0, added.code(), added.err());
    assertEquals("added user bob (group staff): credentials written to " + bob
        + " (mode 0600)\n", added.out());
    Credentials c = Credentials.read(bob);
    assertEquals("bob", c.user());
    assertEquals(java.nio.file.Files.readString(cluster.masterDataDir().resolve("tls/ca.crt")),
        c.caCert());
    assertEquals(Credentials.MODE, Files.getPosixFilePermissions(bob));

    MainTest.Result ls = granary("ls", "/", "--credentials", bob.toString());
    assertEquals(0, ls.code(), ls.err());

    MainTest.Result anonymous = granary("ls", "/");
    assertEquals(7, anonymous.code());
    assertEquals("granary: this cluster requires TLS and credentials: pass --credentials FILE"
        + " (or set GRANARY_CREDENTIALS)\n", anonymous.err());

    MainTest.Result notSuper = granary("user", "add", "eve", "--out",
        tmp.resolve("eve").toString(), "--credentials", bob.toString());
    assertEquals(7, notSuper.code(), notSuper.err());
    assertFalse(Files.exists(tmp.resolve("eve")));

    MainTest.Result revoked = granary("user", "revoke", "bob", "--credentials", admin);
    assertEquals(0, revoked.code(), revoked.err());
    assertEquals("revoked user bob\n", revoked.out());
    MainTest.Result after = granary("ls", "/", "--credentials", bob.toString());
    assertEquals(7, after.code());
    assertEquals("granary: authentication failed for user bob: unknown user, revoked, or wrong "
        + "token\n", after.err());
  }

  @Test
  void anExistingOutFileOrUserIsExitSix() throws Exception {
    Path taken = tmp.resolve("taken");
    Files.writeString(taken, "mine");
    MainTest.Result r = granary("user", "add", "bob", "--out", taken.toString(),
        "--credentials", admin);
    assertEquals(6, r.code(), r.err());
    assertTrue(r.err().startsWith("granary: " + taken + ": already exists"), r.err());
    assertEquals("mine", Files.readString(taken));
    Path nowhere = tmp.resolve("no-such-dir").resolve("bob.credentials");
    MainTest.Result noDir = granary("user", "add", "bob", "--out", nowhere.toString(),
        "--credentials", admin);
    assertEquals(2, noDir.code(), noDir.err());
    assertTrue(noDir.err().contains("is not a directory"), noDir.err());

    assertEquals(0, granary("user", "add", "bob", "--out", tmp.resolve("b1").toString(),
        "--credentials", admin).code());
    MainTest.Result again = granary("user", "add", "bob", "--out", tmp.resolve("b2").toString(),
        "--credentials", admin);
    assertEquals(6, again.code(), again.err());
    assertFalse(Files.exists(tmp.resolve("b2")));
  }

  @Test
  void badCredentialsFileIsExitTwoNamingIt() throws Exception {
    Path missing = tmp.resolve("nope");
    MainTest.Result r = granary("ls", "/", "--credentials", missing.toString());
    assertEquals(2, r.code());
    assertEquals("granary: credentials file " + missing + ": no such file\n", r.err());
    Path junk = tmp.resolve("junk");
    Files.writeString(junk, "user=bob");
    MainTest.Result j = granary("ls", "/", "--credentials", junk.toString());
    assertEquals(2, j.code());
    assertTrue(j.err().startsWith("granary: credentials file " + junk + ": not JSON"), j.err());
    MainTest.Result bad = granary("user", "add", "a b", "--out", tmp.resolve("x").toString(),
        "--credentials", admin);
    assertEquals(2, bad.code(), bad.err());
    assertEquals("granary: invalid user name 'a b': expected 1 to 64 characters of A-Z a-z 0-9 "
        + ". _ -, not starting with -\n", bad.err());
  }
}
