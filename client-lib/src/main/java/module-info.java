/**
 * The Granary client library. Its API is the one exported package, {@code dev.granary.client}:
 * {@link dev.granary.client.GranaryClient} and the types its methods take and return.
 * {@code dev.granary.client.internal} (connections, retries, uploads, reads, caches) is not
 * exported, so no application or connector can come to depend on it.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.granary.client {
  exports dev.granary.client;

  // ClientConfig and Credentials appear in the API (GranaryClient.open, addUser).
  requires transitive dev.granary.config;
  // Compression (WriteOptions) is part of the API.
  requires transitive dev.granary.wire;
  requires org.lz4.java;
  requires com.github.luben.zstd_jni;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
}
