package dev.granary.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsShell;
import org.apache.hadoop.util.ToolRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hadoop fs} against {@code granary://}: Hadoop's own {@link FsShell}, run as the command
 * runs it ({@link ToolRunner}), with its exit codes and output.
 */
@ExtendWith(TestCluster.Join.class)
class FsShellTest {
  @TempDir
  Path local;
  private Configuration conf;
  private String base;

  /** One shell command's exit code and what it printed. */
  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void setUp() {
    conf = TestCluster.get().configuration();
    base = TestCluster.get().uri() + "/fsshell";
  }

  @AfterEach
  void tearDown() throws Exception {
    FileSystem.closeAll();
  }

  /** Runs {@code hadoop fs ARGS}, capturing its output (FsShell prints to System.out/err). */
  private Run fs(String... args) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int exit;
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      System.setOut(po);
      System.setErr(pe);
      exit = ToolRunner.run(new FsShell(conf), args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  private Run ok(String... args) throws Exception {
    Run r = fs(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r);
    return r;
  }

  @Test
  void theEverydayCommandsWorkWithTheirExitCodes() throws Exception {
    String text = "to be or not to be\nthat is the question\n";
    Path a = Files.writeString(local.resolve("a.txt"), text);

    ok("-mkdir", "-p", base + "/dir");
    ok("-put", a.toString(), base + "/dir/");
    Run ls = ok("-ls", base + "/dir");
    assertTrue(ls.out().contains("-rw-r--r--") && ls.out().contains("/fsshell/dir/a.txt"),
        ls.out());
    assertEquals(text, ok("-cat", base + "/dir/a.txt").out());

    Path got = local.resolve("got.txt");
    ok("-get", base + "/dir/a.txt", got.toString());
    assertEquals(text, Files.readString(got));

    ok("-mv", base + "/dir/a.txt", base + "/dir/b.txt");
    Run moved = ok("-ls", base + "/dir");
    assertTrue(moved.out().contains("/dir/b.txt") && !moved.out().contains("/dir/a.txt"),
        moved.out());

    Run du = ok("-du", "-s", base + "/dir");
    assertTrue(du.out().startsWith(text.length() + " "), du.out());

    ok("-chmod", "600", base + "/dir/b.txt");
    assertTrue(ok("-ls", base + "/dir/b.txt").out().contains("-rw-------"));

    ok("-rm", "-r", base);
    assertFalse(FileSystem.get(TestCluster.get().uri(), conf).exists(
        new org.apache.hadoop.fs.Path(base)));
  }

  @Test
  void failuresExitOneWithHadoopsMessage() throws Exception {
    Run cat = fs("-cat", base + "/missing.txt");
    assertEquals(1, cat.exit(), cat.toString());
    assertTrue(cat.err().contains("No such file or directory"), cat.err());

    Run mkdir = fs("-mkdir", base + "/no/parent");
    assertEquals(1, mkdir.exit(), mkdir.toString());

    ok("-mkdir", "-p", base + "/exists");
    Run again = fs("-mkdir", base + "/exists");
    assertEquals(1, again.exit(), again.toString());
    assertTrue(again.err().contains("File exists"), again.err());

    Run rm = fs("-rm", base + "/exists");
    assertEquals(1, rm.exit(), rm.toString());
    assertTrue(rm.err().contains("Is a directory"), rm.err());
    ok("-rm", "-r", base);
  }
}
