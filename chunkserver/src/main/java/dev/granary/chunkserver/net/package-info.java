/**
 * The chunkserver on the wire: per-connection request routing, pipeline write streams, zero-copy
 * read streams, the session with the master and the master's commands.
 */
package dev.granary.chunkserver.net;
