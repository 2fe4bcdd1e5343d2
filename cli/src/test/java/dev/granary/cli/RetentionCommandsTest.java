package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.DeleteResult;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileVersion;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The policy, versions, restore, snapshot and trash commands, get/cat --version and rm
 * --skip-trash: parsing and usage errors (which fail before any master is dialled), and the
 * human and JSON output the README documents.
 */
class RetentionCommandsTest {
  /** Nothing listens there: a command that got as far as dialling would fail with exit 4. */
  private static final String[] NOWHERE = {"--master", "127.0.0.1:1"};

  private static MainTest.Result run(String... args) {
    String[] all = new String[args.length + NOWHERE.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(NOWHERE, 0, all, args.length, NOWHERE.length);
    return MainTest.run(all);
  }

  private static void usage(String expected, String... args) {
    MainTest.Result r = run(args);
    assertEquals(2, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().contains(expected), r::toString);
  }

  @Test
  void badPolicyValuesAreOneLineUsageErrorsNamingTheFlag() {
    usage("invalid --keep-versions 'x': expected a number from 0 to 1000", "policy", "/d",
        "--keep-versions", "x");
    usage("invalid --keep-versions '1001'", "policy", "/d", "--keep-versions", "1001");
    usage("invalid --replication '0': expected a number from 1 to 255", "policy", "/d",
        "--replication", "0");
    usage("invalid --trash", "policy", "/d", "--trash", "5x");
    usage("invalid --trash '3651d': at most 3650d", "policy", "/d", "--trash", "3651d");
    usage("remote paths are absolute", "policy", "d");
  }

  @Test
  void versionFlagsAndMissingArgumentsAreUsageErrors() {
    usage("invalid --version 0: versions count from 1", "cat", "/f", "--version", "0");
    usage("invalid --version -2", "get", "/f", "out", "--version", "-2");
    usage("--version", "restore", "/f");
    usage("'two' is not a long", "restore", "/f", "--version", "two");
    usage("NAME", "snapshot", "create", "/d");
    usage("PATH", "trash", "restore");
    usage("Unknown option: '--skip'", "rm", "/f", "--skip");
  }

  @Test
  void getAndCatTakeTheirOwnVersionFlagAndStillHaveHelp() {
    for (String cmd : new String[] {"get", "cat", "restore"}) {
      MainTest.Result r = MainTest.run(cmd, "--help");
      assertEquals(0, r.code(), r::toString);
      assertTrue(r.out().contains("--version=N"), r::toString);
    }
    MainTest.Result top = MainTest.run("--help");
    for (String cmd : new String[] {"policy", "versions", "restore", "snapshot", "trash"}) {
      assertTrue(top.out().contains("  " + cmd + " "), cmd + ": " + top.out());
    }
  }

  @Test
  void noneAndInheritClearASettingAndAFlagLeftOutLeavesIt() throws CliException {
    assertEquals(Map.of(), PolicyCommand.change(null, null, null).settings());
    assertEquals(Map.of("replication", "", "keepVersions", "3", "trash", "604800000"),
        PolicyCommand.change("none", "3", "7d").settings());
    assertEquals(Map.of("trash", ""), PolicyCommand.change(null, null, "inherit").settings());
    assertEquals(Map.of("trash", "0"), PolicyCommand.change(null, null, "0").settings());
    assertEquals(Map.of("trash", "5400000"), PolicyCommand.change(null, null, "1.5h").settings());
    assertThrows(CliException.class, () -> PolicyCommand.change("-1", null, null));
  }

  @Test
  void policyJsonAndTextSayEachValueAndWhereItComesFrom() {
    DirectoryPolicy p = new DirectoryPolicy("/p/q", List.of(
        new DirectoryPolicy.Setting("keepVersions", "5", "/p/q"),
        new DirectoryPolicy.Setting("trash", "604800000", "/p")));
    assertEquals("{\"path\":\"/p/q\",\"replication\":null,\"keepVersions\":5,\"trash\":\"7d\","
        + "\"trashMillis\":604800000,\"compress\":null,\"encrypt\":null,"
        + "\"from\":{\"keepVersions\":\"/p/q\",\"trash\":\"/p\"}}",
        Json.write(Retained.policyJson(p)));
    assertEquals("/p/q\n"
        + "  replication   cluster default  (not set)\n"
        + "  keepVersions  5                (set here)\n"
        + "  trash         7d               (from /p)\n"
        + "  compress      none             (not set)\n"
        + "  encrypt       no               (not set)\n", Retained.policyText(p)
            .replace(System.lineSeparator(), "\n"));
    DirectoryPolicy none = new DirectoryPolicy("/", List.of());
    assertEquals("{\"path\":\"/\",\"replication\":null,\"keepVersions\":0,\"trash\":null,"
        + "\"trashMillis\":0,\"compress\":null,\"encrypt\":null,\"from\":{}}",
        Json.write(Retained.policyJson(none)));
  }

  @Test
  void versionsSnapshotsAndTrashHaveTheDocumentedJson() {
    List<FileVersion> vs = List.of(new FileVersion(3, 10, 1_700_000_000_000L),
        new FileVersion(2, 7, 1_600_000_000_000L));
    assertEquals("[{\"version\":3,\"size\":10,\"modified\":1700000000000,\"current\":true},"
        + "{\"version\":2,\"size\":7,\"modified\":1600000000000,\"current\":false}]",
        Json.write(Retained.versionsJson(vs)));
    String text = Retained.versionsText(vs);
    assertTrue(text.lines().skip(1).findFirst().orElseThrow().endsWith("current"), text);
    assertTrue(text.contains("2023-11-14T22:13:20Z"), text);

    assertEquals("[{\"name\":\"s1\",\"path\":\"/d/.snapshot/s1\",\"created\":5}]",
        Json.write(Retained.snapshotsJson(List.of(new SnapshotInfo("s1", "/d/.snapshot/s1",
            5)))));

    TrashEntry dir = new TrashEntry("/d/x", true, 2048, 2, 100, 200);
    TrashEntry file = new TrashEntry("/d/f", false, 1, 1, 100, 300);
    assertEquals("[{\"path\":\"/d/x\",\"type\":\"dir\",\"size\":2048,\"files\":2,\"deleted\":100,"
        + "\"expires\":200},{\"path\":\"/d/f\",\"type\":\"file\",\"size\":1,\"files\":1,"
        + "\"deleted\":100,\"expires\":300}]", Json.write(Retained.trashJson(List.of(dir, file))));
    assertEquals("/d/x (2 files, 2.0 KiB)", Retained.describe(dir));
    assertEquals("your trash is empty\n", Retained.trashText(List.of()));
  }

  @Test
  void rmUnderATrashPolicySaysWhereItWentUntilWhenAndHowToUndo() {
    assertEquals("moved /d/x to your trash until 2023-11-15T22:13:20Z (undo: granary trash "
        + "restore /d/x)", RmCommand.trashedLine("/d/x",
            new DeleteResult(2, 1, 1_700_086_400_000L)));
  }
}
