package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.granary.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code granary config-table}: the README's configuration table, printed or rewritten. */
class ConfigTableCommandTest {
  @TempDir
  Path tmp;

  @Test
  void printsTheSchemasTableAndIsHiddenFromHelp() {
    MainTest.Result r = MainTest.run("config-table");
    assertEquals(0, r.code(), r.err());
    assertEquals(ConfigKeys.markdownTable(), r.out());
    assertFalse(MainTest.run("--help").out().contains("config-table"), "hidden from --help");
  }

  @Test
  void rewritesOnlyTheTableBetweenTheMarkers() throws Exception {
    Path readme = Files.writeString(tmp.resolve("README.md"), "# Granary\n\n"
        + ConfigKeys.TABLE_BEGIN + "\n| `master.port` | `7070` |\n" + ConfigKeys.TABLE_END
        + "\n\nMore.\n");
    MainTest.Result r = MainTest.run("config-table", "--readme", readme.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(readme + ": configuration table rewritten", r.out().strip());
    assertEquals("# Granary\n\n" + ConfigKeys.TABLE_BEGIN + "\n" + ConfigKeys.markdownTable()
        + ConfigKeys.TABLE_END + "\n\nMore.\n", Files.readString(readme));

    MainTest.Result again = MainTest.run("config-table", "--readme", readme.toString());
    assertEquals(0, again.code(), again.err());
    assertEquals(readme + ": configuration table already current", again.out().strip());
  }

  @Test
  void aFileWithoutMarkersIsExit2AndUntouched() throws Exception {
    Path readme = Files.writeString(tmp.resolve("README.md"), "# Granary\n");
    MainTest.Result r = MainTest.run("config-table", "--readme", readme.toString());
    assertEquals(2, r.code(), r::toString);
    assertEquals("granary: " + readme + ": no configuration table: expected a line"
        + " <!-- config-table:begin --> and, after it, a line <!-- config-table:end -->",
        r.err().strip());
    assertEquals("# Granary\n", Files.readString(readme));
    MainTest.Result missing = MainTest.run("config-table", "--readme",
        tmp.resolve("nope.md").toString());
    assertEquals(3, missing.code(), missing::toString);
  }
}
