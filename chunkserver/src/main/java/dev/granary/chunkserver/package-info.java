/**
 * The Granary chunkserver: {@link dev.granary.chunkserver.ChunkServer} wires storage
 * ({@code .storage}), the network handlers and master session ({@code .net}) and the scrubber
 * ({@code .scrub}) into one process.
 */
package dev.granary.chunkserver;
