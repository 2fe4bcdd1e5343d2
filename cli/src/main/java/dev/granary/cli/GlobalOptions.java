package dev.granary.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes. */
public final class GlobalOptions {
  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log more and print stack traces with errors.")
  boolean verbose;
}
