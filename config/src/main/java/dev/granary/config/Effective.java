package dev.granary.config;

import java.util.Objects;

/**
 * A loaded configuration and the line a server logs about it at start: every key with its value
 * as a user would write it and, for a value that is not the default, where it came from, e.g.
 * {@code MasterConfig{host=0.0.0.0, port=7075 from --port, dataDir=/srv/m from config g.yaml,
 * chunkSize=64MiB, ...}}.
 *
 * @param config the validated configuration
 * @param description the effective-config line; secrets show as {@code (set)}
 * @param <C> the config record
 */
public record Effective<C extends Record>(C config, String description) {
  /** Checks that neither part is null. */
  public Effective {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(description, "description");
  }

  /** The effective-config line, {@link #description()}. */
  @Override
  public String toString() {
    return description;
  }
}
