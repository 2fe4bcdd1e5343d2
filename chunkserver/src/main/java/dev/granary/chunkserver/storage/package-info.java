/**
 * Replica storage on local disk: one verbatim {@code .chunk} file per replica plus a checksummed
 * {@code .meta} file with a CRC32C per 64 KiB block, committed crash-safely through {@code tmp/}.
 */
package dev.granary.chunkserver.storage;
