package dev.granary.client;

/**
 * One version of a file ({@link GranaryClient#versions}): its number (from 1, growing by one with
 * each replacement of the file's contents), its size in bytes and when it was written, in epoch
 * milliseconds.
 */
public record FileVersion(long version, long size, long modifiedMillis) {}
