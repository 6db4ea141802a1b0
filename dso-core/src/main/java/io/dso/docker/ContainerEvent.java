package io.dso.docker;

/** A container lifecycle event from the daemon: {@code action} is create, start, die, destroy or rename. */
public record ContainerEvent(String action, String id, String name) {}
