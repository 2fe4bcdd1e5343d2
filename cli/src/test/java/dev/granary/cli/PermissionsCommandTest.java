package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chmod and chown arguments, and owners, groups and modes in ls -l, ls --json and stat --json. */
class PermissionsCommandTest {
  @TempDir
  Path dir;
  private MasterServer master;

  @AfterEach
  void stop() {
    if (master != null) {
      master.close();
    }
  }

  /** A master (security none: everyone is the superuser admin) and its address. */
  private String master() throws Exception {
    master = new MasterServer(new MasterConfig("127.0.0.1", 0, dir, 1 << 20, 1, 1,
        Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30),
        MasterConfig.ROUND_ROBIN, 1000, 2).withSecurity(MasterConfig.NONE));
    master.start();
    return "127.0.0.1:" + master.port();
  }

  private static MainTest.Result ok(String... args) {
    MainTest.Result r = MainTest.run(args);
    assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
    return r;
  }

  @Test
  void chmodModeIsThreeOrFourOctalDigitsWithoutSpecialBits() throws Exception {
    assertEquals(0755, ChmodCommand.parseMode("755"));
    assertEquals(0644, ChmodCommand.parseMode("0644"));
    assertEquals(0, ChmodCommand.parseMode("000"));
    for (String bad : List.of("1755", "4755", "75", "abc", "0o755", "00755", "789")) {
      CliException e = assertThrows(CliException.class, () -> ChmodCommand.parseMode(bad));
      assertEquals(Failures.USAGE, e.exitCode());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    // Refused before any connection is tried: exit 2 with one line.
    MainTest.Result r = MainTest.run("chmod", "1777", "/a", "--master", "127.0.0.1:1");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("sticky"), r.err());
  }

  @Test
  void chownTakesOwnerOwnerColonGroupOrColonGroup() throws Exception {
    assertEquals(new ChownCommand.Owner("bob", ""), ChownCommand.parse("bob"));
    assertEquals(new ChownCommand.Owner("bob", "staff"), ChownCommand.parse("bob:staff"));
    assertEquals(new ChownCommand.Owner("", "staff"), ChownCommand.parse(":staff"));
    assertEquals(new ChownCommand.Owner("bob", ""), ChownCommand.parse("bob:"));
    for (String bad : List.of("", ":", "a:b:c")) {
      CliException e = assertThrows(CliException.class, () -> ChownCommand.parse(bad));
      assertEquals(Failures.USAGE, e.exitCode());
    }
    assertEquals(2, MainTest.run("chown", ":", "/a", "--master", "127.0.0.1:1").code());
  }

  @Test
  void lsAndStatShowOwnerGroupAndPermissionChmodAndChownChangeThem() throws Exception {
    String m = master();
    ok("mkdir", "-p", "/d/e", "--master", m);
    String line = ok("ls", "/", "-l", "--master", m).out().strip();
    assertTrue(line.matches("drwxr-xr-x  admin  admin  +0  "
        + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  d/"), line);
    ObjectMapper json = new ObjectMapper();
    JsonNode row = json.readTree(ok("ls", "/", "--json", "--master", m).out()).get(0);
    assertEquals("admin", row.get("owner").asText());
    assertEquals("admin", row.get("group").asText());
    assertEquals("755", row.get("permission").asText());

    ok("chmod", "0750", "/d", "-R", "--master", m);
    ok("chown", "bob:staff", "/d/e", "--master", m);
    ok("chown", ":ops", "/d", "--master", m);
    assertTrue(ok("ls", "/", "-l", "--master", m).out().startsWith("drwxr-x---  admin  ops  "));
    assertTrue(ok("ls", "/d", "-l", "--master", m).out().startsWith("drwxr-x---  bob  staff  "));
    JsonNode st = json.readTree(ok("stat", "/d/e", "--json", "--master", m).out());
    assertEquals("bob", st.get("owner").asText());
    assertEquals("staff", st.get("group").asText());
    assertEquals("750", st.get("permission").asText());
    String text = ok("stat", "/d/e", "--master", m).out();
    assertTrue(text.contains("permission:  750 (drwxr-x---)"), text);
  }
}
