package dev.granary.cli;

import dev.granary.config.ConfigKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code granary config-table [--readme FILE]} (hidden, for developers): prints every config key's
 * Markdown row (key, default, flag, description) from the schema, or rewrites the table between
 * a README's {@code config-table} markers in place, after a key was added or changed.
 */
@Command(name = "config-table", hidden = true,
    description = "Print the README's configuration table, generated from the config schema.")
final class ConfigTableCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--readme", paramLabel = "FILE",
      description = "Rewrite the table between this file's config-table markers instead.")
  Path readme;

  @Override
  public Integer call() throws CliException, IOException {
    if (readme == null) {
      spec.commandLine().getOut().print(ConfigKeys.markdownTable());
      spec.commandLine().getOut().flush();
      return Failures.OK;
    }
    String document;
    try {
      document = Files.readString(readme, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(Failures.NOT_FOUND, readme + ": no such file");
    }
    String current;
    try {
      current = ConfigKeys.withMarkdownTable(document);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, readme + ": " + e.getMessage());
    }
    if (!current.equals(document)) {
      Files.writeString(readme, current, StandardCharsets.UTF_8);
    }
    spec.commandLine().getOut().println(readme + ": configuration table "
        + (current.equals(document) ? "already current" : "rewritten"));
    return Failures.OK;
  }
}
