package dev.granary.cli;

import dev.granary.client.GranaryClient;
import picocli.CommandLine.Option;

/**
 * {@code --version N} of get and cat: which version of the file to read (see versions); without
 * it, the current contents. These commands take {@code -h/--help} alone, since {@code --version}
 * here is not the program's.
 */
final class VersionOption {
  @Option(names = "--version", paramLabel = "N",
      description = "Read version N of the file (see versions) instead of its current contents.")
  Long version;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** The version asked for, or {@link GranaryClient#CURRENT}. */
  long version() throws CliException {
    if (version == null) {
      return GranaryClient.CURRENT;
    }
    check(version, false);
    return version;
  }

  /** Versions count from 1 (0 means the current contents, where {@code current} allows it). */
  static void check(long version, boolean current) throws CliException {
    if (version < (current ? 0 : 1)) {
      throw new CliException(Failures.USAGE, "invalid --version " + version
          + ": versions count from 1 (see versions)");
    }
  }
}
