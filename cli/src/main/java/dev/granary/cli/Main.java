package dev.granary.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;

/**
 * Entry point of {@code bin/granary}. The only place that calls {@link System#exit}.
 *
 * <p>Logging is configured here, before any logger exists: server processes log INFO to stderr,
 * client commands only WARN (their output is the result), and {@code -v} adds DEBUG.
 */
public final class Main {
  private static final Set<String> SERVER_COMMANDS = Set.of("master", "chunkserver");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line and returns the process exit code of ../shared/CONTRACT.md. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    configureLogging(args);
    CommandLine cli = GranaryCommand.commandLine(out, err);
    return cli.execute(args);
  }

  private static void configureLogging(String[] args) {
    boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
    boolean server = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst()
        .map(SERVER_COMMANDS::contains).orElse(false);
    String level = verbose ? "debug" : server ? "info" : "warn";
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
  }
}
