package dev.granary.client;

/** What a delete removed: files and directories (a recursive delete counts the whole tree). */
public record DeleteResult(long files, long directories) {}
