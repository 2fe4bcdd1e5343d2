package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the one {@link ConfigKeys#markdownTable()} renders from the
 * schema. On a mismatch the failure names the command that rewrites it.
 */
class ConfigTableTest {
  /** How a developer brings the README's table up to date, as the README says. */
  static final String REGENERATE =
      "mvn -q -DskipTests package && bin/granary config-table --readme README.md";

  @Test
  void readmeCarriesTheTableTheSchemaRenders() throws IOException {
    String readme = Files.readString(readme());
    String current;
    try {
      current = ConfigKeys.withMarkdownTable(readme);
    } catch (IllegalArgumentException e) {
      fail("README.md: " + e.getMessage());
      return;
    }
    if (!current.equals(readme)) {
      fail("README.md's configuration table is not the one the config schema renders; rewrite it"
          + " with: " + REGENERATE + "\nThe table:\n" + ConfigKeys.markdownTable());
    }
    assertTrue(readme.contains(REGENERATE), "README.md should document " + REGENERATE);
  }

  @Test
  void theTableReplacesWhateverIsBetweenTheMarkersAndNothingElse() {
    String table = ConfigKeys.markdownTable();
    String stale = "# Title\n\n" + ConfigKeys.TABLE_BEGIN + "\n| old |\n" + ConfigKeys.TABLE_END
        + "\n\nAfter.\n";
    String current = "# Title\n\n" + ConfigKeys.TABLE_BEGIN + "\n" + table + ConfigKeys.TABLE_END
        + "\n\nAfter.\n";
    assertEquals(current, ConfigKeys.withMarkdownTable(stale));
    assertEquals(current, ConfigKeys.withMarkdownTable(current));
  }

  @Test
  void aDocumentWithoutBothMarkersIsRefused() {
    for (String document : List.of("no table", ConfigKeys.TABLE_BEGIN + "\n| x |\n",
        ConfigKeys.TABLE_END + "\n" + ConfigKeys.TABLE_BEGIN + "\n")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ConfigKeys.withMarkdownTable(document));
      assertEquals("no configuration table: expected a line <!-- config-table:begin --> and, after"
          + " it, a line <!-- config-table:end -->", e.getMessage());
    }
  }

  @Test
  void rendersOneRowPerKeyOfEverySectionInOrder() {
    List<String> lines = ConfigKeys.markdownTable().lines().toList();
    assertEquals("| key | default | flag | description |", lines.get(0));
    assertEquals("| --- | --- | --- | --- |", lines.get(1));
    int keys = ConfigKeys.masterKeys().size() + ConfigKeys.chunkserverKeys().size()
        + ConfigKeys.clientKeys().size();
    assertEquals(2 + keys, lines.size());
    assertEquals("| `master.host` | `0.0.0.0` | `--host` | " + Key.BIND_ADDRESS + " |",
        lines.get(2));
    assertTrue(lines.get(2 + ConfigKeys.masterKeys().size()).startsWith("| `chunkserver.host` |"));
    assertTrue(ConfigKeys.markdownTable().endsWith("\n"));
  }

  @Test
  void rowsRenderDefaultsAsUsersWriteThemAndNameEnvironmentVariables() {
    String table = ConfigKeys.markdownTable();
    assertTrue(table.contains("| `master.chunkSize` | `64MiB` | `--chunk-size` | Bytes per chunk,"),
        table);
    assertTrue(table.contains("| `master.leaseTimeout` | `2m` | `--lease-timeout` |"), table);
    assertTrue(table.contains("| `chunkserver.joinToken` | none | `--join-token`, env"
        + " `GRANARY_JOIN_TOKEN` | "), table);
    assertTrue(table.contains("| `client.master` | `127.0.0.1:7070` | `--master`, env"
        + " `GRANARY_MASTER` | "), table);
    assertTrue(table.contains("| `client.credentials` | none | `--credentials`, env"
        + " `GRANARY_CREDENTIALS` | "), table);
  }

  /**
   * The repository's README: the nearest directory at or above the working directory (a module's,
   * under Maven) with both a README.md and a pom.xml listing the config module.
   */
  static Path readme() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(pom)
          && Files.readString(pom).contains("<module>config</module>")) {
        return dir.resolve("README.md");
      }
    }
    throw new IOException("no README.md beside a pom.xml with <module>config</module> at or above "
        + Path.of("").toAbsolutePath());
  }
}
