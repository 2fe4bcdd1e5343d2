package dev.granary.config;

/**
 * One configuration key as people meet it: in a config file as {@code section.name}, on the
 * command line as {@code --flag LABEL}, and in {@code --help} and the README's table with its
 * description and default. Everything here comes from the key's declaration in its role's schema.
 *
 * @param section {@code master}, {@code chunkserver} or {@code client}
 * @param name the camelCase key, e.g. {@code chunkSize}
 * @param flag the kebab-case flag with its leading {@code --}, e.g. {@code --chunk-size}
 * @param label the placeholder for the value in usage text, e.g. {@code SIZE}
 * @param description one sentence for people, without the default and without a final full stop
 * @param defaultValue the default as a user would write it, e.g. {@code 64MiB}, or null when the
 *     key has no value by default (an optional file, a secret)
 * @param environment the environment variable that sets the key (below a flag and above the
 *     file), or null if none does
 */
public record KeyInfo(String section, String name, String flag, String label, String description,
    String defaultValue, String environment) {

  /** {@code section.name}, as the key is written in a config file. */
  public String qualifiedName() {
    return section + "." + name;
  }
}
