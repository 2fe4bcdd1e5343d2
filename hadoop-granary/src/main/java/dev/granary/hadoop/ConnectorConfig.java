package dev.granary.hadoop;

import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigException;
import dev.granary.config.ConfigKeys;
import dev.granary.config.ConfigLoader;
import dev.granary.config.KeyInfo;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * How a {@code granary://HOST:PORT} URI and a Hadoop {@link Configuration} become the client's
 * configuration: through the same loader and key rules the command line uses, so a bad value gets
 * the same one-line message naming the key.
 *
 * <p>Every {@code client} key has a Hadoop name, {@code fs.granary.} followed by its command-line
 * flag without the dashes ({@code --credentials} is {@code fs.granary.credentials}, {@code
 * --cache-size} is {@code fs.granary.cache-size}); the URI's authority is the master. As on the
 * command line, {@code GRANARY_MASTER} and {@code GRANARY_CREDENTIALS} apply below these. A URI
 * without a port names the master's default port. {@code fs.granary.key-file} ({@code
 * client.keyFile}, below it {@code GRANARY_KEY_FILE}) names the key file the client encrypts new
 * files with (where a directory's policy says so) and decrypts encrypted files with.
 */
final class ConnectorConfig {
  /** The prefix of every connector key. */
  static final String PREFIX = "fs.granary.";
  /** The credentials file key, as the CLI's {@code --credentials}. */
  static final String CREDENTIALS = PREFIX + "credentials";
  /** The client-side encryption key file, as the CLI's {@code --key-file}. */
  static final String KEY_FILE = PREFIX + "key-file";

  private ConnectorConfig() {}

  /**
   * The client configuration for {@code uri} under {@code conf}.
   *
   * @throws dev.granary.config.ConfigException one line naming the bad key and value
   */
  static ClientConfig client(URI uri, Configuration conf, Map<String, String> env) {
    Map<String, String> given = new LinkedHashMap<>();
    List<KeyInfo> fromHadoop = new ArrayList<>();
    for (KeyInfo key : ConfigKeys.keys(ConfigKeys.CLIENT_SECTION)) {
      String value = conf.getTrimmed(hadoopName(key));
      if (value != null && !value.isEmpty()) {
        given.put(key.name(), value);
        fromHadoop.add(key);
      }
    }
    if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
      given.put("master", uri.getPort() > 0 ? uri.getAuthority()
          : uri.getAuthority() + ":" + defaultPort());
    }
    try {
      return ConfigLoader.loadClient(null, given, env);
    } catch (ConfigException e) {
      // The loader names a given value by its command-line flag; name the Hadoop key instead.
      String msg = e.getMessage();
      for (KeyInfo key : fromHadoop) {
        msg = msg.replace(key.flag() + " ", hadoopName(key) + " ");
      }
      throw new ConfigException(msg, e);
    }
  }

  /** The master's port when a URI names none: the client's default master port. */
  static int defaultPort() {
    return ClientConfig.defaults().master().port();
  }

  /** The Hadoop name of a client key: {@code fs.granary.} and its flag without the dashes. */
  static String hadoopName(KeyInfo key) {
    return PREFIX + key.flag().substring(2);
  }
}
