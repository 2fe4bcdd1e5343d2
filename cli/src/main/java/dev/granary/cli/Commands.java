package dev.granary.cli;

import java.util.List;

/** The subcommands of {@code granary}, in the order {@code --help} lists them. */
final class Commands {
  private Commands() {}

  static List<Object> all() {
    return List.of();
  }
}
