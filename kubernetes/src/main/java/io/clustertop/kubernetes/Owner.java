package io.clustertop.kubernetes;

/** A controller named in an object's {@code ownerReferences} (the one with {@code controller: true}). */
public record Owner(String kind, String name, String uid) {}
