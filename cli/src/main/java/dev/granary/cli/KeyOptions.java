package dev.granary.cli;

import dev.granary.config.ConfigKeys;
import dev.granary.config.KeyInfo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * A mixin with one flag per key of a config section, built from the schema ({@link
 * ConfigKeys#keys}): each flag's name, placeholder, description and the default its help shows
 * come from the key. Flags keep the raw text the user typed; the config loader validates it, so
 * precedence (flag &gt; file &gt; default) and the one-line errors stay the loader's.
 */
@Command
final class KeyOptions {
  private final String section;
  private final Map<String, String> given = new LinkedHashMap<>();

  /** Flags for the keys of {@code section}, e.g. {@link ConfigKeys#MASTER_SECTION}. */
  KeyOptions(String section) {
    this.section = section;
  }

  /** Picocli hands over this mixin's own spec as it builds it; its options join the command's. */
  @Spec
  void addOptions(CommandSpec spec) {
    for (KeyInfo key : ConfigKeys.keys(section)) {
      spec.addOption(option(key));
    }
  }

  private OptionSpec option(KeyInfo key) {
    return OptionSpec.builder(key.flag())
        .paramLabel(key.label())
        .type(String.class)
        .description(literal(help(key)))
        .getter(new IGetter() {
          @Override
          @SuppressWarnings("unchecked")
          public <T> T get() {
            return (T) given.get(key.name());
          }
        })
        .setter(new ISetter() {
          @Override
          public <T> T set(T value) {
            // Picocli resets every option to null before parsing: that is "not given".
            String previous = value == null
                ? given.remove(key.name()) : given.put(key.name(), (String) value);
            @SuppressWarnings("unchecked")
            T old = (T) previous;
            return old;
          }
        })
        .build();
  }

  /**
   * A key's {@code --help} text: its description and default, e.g. {@code Bytes per chunk, ...
   * (default 64MiB).}, or {@code (default: env GRANARY_MASTER, else 127.0.0.1:7070).} for a key an
   * environment variable may set.
   */
  static String help(KeyInfo key) {
    String value = key.defaultValue() == null ? "none" : key.defaultValue();
    String fallback = key.environment() == null
        ? "default " + value : "default: env " + key.environment() + ", else " + value;
    return key.description() + " (" + fallback + ").";
  }

  /**
   * Text picocli shows as written: it formats descriptions ({@code %} starts a format specifier)
   * and interpolates {@code ${...}}, so a schema description saying "10%" would come out garbled.
   */
  static String literal(String text) {
    return text.replace("%", "%%").replace("${", "$${");
  }

  /** The flags the user gave, raw, by camelCase key: what the config loader takes. */
  Map<String, String> given() {
    return Collections.unmodifiableMap(given);
  }
}
