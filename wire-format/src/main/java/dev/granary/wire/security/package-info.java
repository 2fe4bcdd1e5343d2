/**
 * Chunk access tokens (HDFS block tokens): what the master signs when it hands out chunk
 * locations, the keys it signs with, and the check every chunkserver (and the master, for
 * bad-replica reports) applies. Part of the protocol: master, chunkserver and client library all
 * speak these layouts (PROTOCOL.md, "Chunk access tokens").
 */
package dev.granary.wire.security;
