package io.clustertop.kubernetes;

/** A Service, by namespace and name; {@code uid} tells a deleted Service from its re-creation. */
public record ServiceRef(String namespace, String name, String uid) {}
