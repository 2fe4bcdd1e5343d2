package dev.granary.cli;

import dev.granary.config.ConfigKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code granary config-table} (hidden): prints every config key's Markdown row (key, default,
 * flag, description) from the schema, the table the README carries between its
 * {@code config-table} markers, for a developer to paste after changing a key.
 */
@Command(name = "config-table", hidden = true,
    description = "Print the README's configuration table, generated from the config schema.")
final class ConfigTableCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(ConfigKeys.markdownTable());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
