package dev.granary.cli;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.IntegrityException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UnavailableException;
import dev.granary.client.UncheckedGranaryException;
import dev.granary.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The single place that turns a failure into the contract's exit code and a one-line message on
 * stderr ({@code granary: <message>}); the stack trace follows only with {@code --verbose}.
 */
final class Failures {
  static final int OK = 0;
  static final int INTERNAL = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;
  static final int UNAVAILABLE = 4;
  static final int INTEGRITY = 5;
  static final int EXISTS = 6;
  static final int DENIED = 7;

  private Failures() {}

  static int onParameterException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("granary: " + oneLine(e.getMessage()) + " (see '"
        + cmd.getCommandSpec().qualifiedName() + " --help')");
    if (verbose(args)) {
      e.printStackTrace(err);
    }
    err.flush();
    return USAGE;
  }

  static int onExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    err.println("granary: " + message(e));
    if (verbose(parsed.originalArgs().toArray(new String[0]))) {
      e.printStackTrace(err);
    }
    err.flush();
    return exitCode(e);
  }

  /**
   * The exit code for a failure, by its type: the library's typed exceptions (also when a stream
   * or an iterator wraps one), local file errors and usage errors. Anything else, the library's
   * {@code InternalException} included, is a bug: 1.
   */
  static int exitCode(Throwable t) {
    if (t instanceof CliException c) {
      return c.exitCode();
    }
    if (t instanceof GranaryIOException g) {
      return exitCode(g.granaryCause());
    }
    if (t instanceof UncheckedGranaryException u) {
      return exitCode(u.getCause());
    }
    if (t instanceof InvalidArgumentException || t instanceof ConfigException
        || t instanceof ParameterException) {
      return USAGE;
    }
    if (t instanceof NotFoundException || t instanceof NoSuchFileException) {
      return NOT_FOUND;
    }
    if (t instanceof UnavailableException) {
      return UNAVAILABLE;
    }
    if (t instanceof IntegrityException) {
      return INTEGRITY;
    }
    if (t instanceof AlreadyExistsException || t instanceof FileAlreadyExistsException) {
      return EXISTS;
    }
    if (t instanceof DeniedException || t instanceof AccessDeniedException) {
      return DENIED;
    }
    return INTERNAL;
  }

  /** One line naming the thing and the problem. */
  static String message(Throwable t) {
    if (t instanceof NoSuchFileException e) {
      return e.getFile() + ": no such file or directory";
    }
    if (t instanceof FileAlreadyExistsException e) {
      return e.getFile() + ": already exists (use --force to overwrite)";
    }
    if (t instanceof AccessDeniedException e) {
      return e.getFile() + ": permission denied";
    }
    if (exitCode(t) == INTERNAL) {
      return "internal error: " + oneLine(String.valueOf(t)) + " (run with -v for details)";
    }
    return oneLine(t.getMessage() == null ? t.toString() : t.getMessage());
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  private static boolean verbose(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
  }
}
