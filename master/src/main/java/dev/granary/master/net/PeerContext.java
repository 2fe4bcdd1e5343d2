package dev.granary.master.net;

/** What a handler may know about the connection a request came on. */
public record PeerContext(String remoteHost, String peerId) {}
