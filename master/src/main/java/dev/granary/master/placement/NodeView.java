package dev.granary.master.placement;

/** What a placement policy knows about a chunkserver: its id, liveness and space. */
public record NodeView(String id, boolean live, long freeBytes, long usedBytes,
    long capacityBytes) {}
