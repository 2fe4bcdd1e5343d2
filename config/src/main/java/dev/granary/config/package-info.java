/**
 * Typed, immutable configuration for Granary's three roles: {@link dev.granary.config.MasterConfig},
 * {@link dev.granary.config.ChunkserverConfig} and {@link dev.granary.config.ClientConfig}.
 *
 * <p>{@link dev.granary.config.ConfigLoader} is the only place in the project that reads a YAML
 * config file or the environment for configuration. It merges defaults &lt; file &lt; flags,
 * validates every key, and reports the first problem as a {@link
 * dev.granary.config.ConfigException} whose message is one line naming the key, the bad value and
 * what was expected. Other modules take the records in their constructors.
 *
 * <p>{@link dev.granary.config.Sizes}, {@link dev.granary.config.Durations} and {@link
 * dev.granary.config.HostPort} parse and format the value syntaxes of the contract.
 */
package dev.granary.config;
