package dev.granary.config;

import java.util.Objects;

/**
 * A loaded configuration and the line a server logs about it at start: every key with its value
 * as a user would write it and where that value came from (default, file, env or flag), e.g.
 * {@code MasterConfig{host=0.0.0.0 (default), port=7075 (flag --port), dataDir=/srv/m (file
 * g.yaml), chunkSize=64MiB (default), ...}}.
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
