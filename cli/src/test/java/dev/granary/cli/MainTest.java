package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Frames;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void aMistypedTlsProviderIsAOneLineUsageError() {
    String before = System.getProperty("granary.tls.provider");
    System.setProperty("granary.tls.provider", "opensll");
    try {
      Result r = run("ls", "/", "--master", "127.0.0.1:1");
      assertEquals(2, r.code(), r::toString);
      assertEquals("granary: granary.tls.provider must be auto, openssl or jdk, not 'opensll'"
          + " (set through GRANARY_JAVA_OPTS)", r.err().strip());
    } finally {
      if (before == null) {
        System.clearProperty("granary.tls.provider");
      } else {
        System.setProperty("granary.tls.provider", before);
      }
    }
  }

  @Test
  void versionNamesBuildAndProtocol() {
    Result r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("granary "), r.out());
    assertTrue(r.out().contains("protocol " + Frames.VERSION), r.out());
  }

  @Test
  void helpListsUsage() {
    Result r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("Usage: granary"), r.out());
  }

  @Test
  void unknownOptionIsOneLineWithExitCode2() {
    Result r = run("--no-such-flag");
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("granary: "), r.err());
  }

  @Test
  void unknownCommandIsUsageError() {
    Result r = run("frobnicate");
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void clientCommandsLogNothingUnlessVerboseServersKeepTheirLevels() {
    assertEquals("off", Main.logLevel(new String[] {"get", "/a", "b", "--master", "h:1"}));
    assertEquals("off", Main.logLevel(new String[] {"ls", "/"}));
    assertEquals("debug", Main.logLevel(new String[] {"get", "/a", "b", "-v"}));
    assertEquals("debug", Main.logLevel(new String[] {"--verbose", "ls", "/"}));
    assertEquals("info", Main.logLevel(new String[] {"master", "--data-dir", "d"}));
    assertEquals("info", Main.logLevel(new String[] {"chunkserver", "--port", "7071"}));
    assertEquals("warn", Main.logLevel(new String[] {"demo", "--size", "1MiB"}));
    assertEquals("debug", Main.logLevel(new String[] {"master", "-v"}));
  }
}
