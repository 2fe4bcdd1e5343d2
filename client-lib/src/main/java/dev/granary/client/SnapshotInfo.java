package dev.granary.client;

/**
 * A snapshot of a directory: its name, the path it is read at ({@code DIR/.snapshot/NAME}, a
 * read-only view of DIR as it was) and when it was created, in epoch milliseconds.
 */
public record SnapshotInfo(String name, String path, long createdMillis) {}
