package dev.granary.cli;

import dev.granary.wire.tls.TlsContexts;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;

/**
 * Entry point of {@code bin/granary}. The only place that calls {@link System#exit}.
 *
 * <p>Logging is configured here, before any logger exists: server processes log INFO to stderr,
 * {@code demo} (servers and a client in one process) WARN, and a client command nothing at all:
 * its stderr holds only its one error line, whatever the library logs on the way (a replica that
 * failed its checksum, a pipeline retried); the error line and the exit code say what matters.
 * {@code -v} makes every command log DEBUG.
 */
public final class Main {
  private static final Set<String> SERVER_COMMANDS = Set.of("master", "chunkserver");
  private static final String DEMO_COMMAND = "demo";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line and returns the process exit code of ../shared/CONTRACT.md. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    configureLogging(args);
    String badProvider = TlsContexts.providerPropertyError();
    if (badProvider != null) {
      err.println("granary: " + badProvider + " (set through GRANARY_JAVA_OPTS)");
      err.flush();
      return Failures.USAGE;
    }
    CommandLine cli = GranaryCommand.commandLine(out, err);
    return cli.execute(args);
  }

  private static void configureLogging(String[] args) {
    String level = logLevel(args);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    if (level.equals("off")) {
      // simplelogger.properties keeps Netty at WARN for the servers; a client hears none of it.
      System.setProperty("org.slf4j.simpleLogger.log.io.netty", "off");
    }
  }

  /** The slf4j-simple level for a command line (see the class comment). */
  static String logLevel(String[] args) {
    if (Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"))) {
      return "debug";
    }
    String command = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
    if (SERVER_COMMANDS.contains(command)) {
      return "info";
    }
    return command.equals(DEMO_COMMAND) ? "warn" : "off";
  }
}
