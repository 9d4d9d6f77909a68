package io.clustertop.kubernetes;

/**
 * One watched kind of object, as its informer stands.
 *
 * @param resource the API's plural name: {@code pods}, {@code services}, {@code nodes},
 *     {@code replicasets}, {@code jobs}
 * @param synced whether its first list has been read (until then, lookups miss what it holds)
 * @param watching whether its watch is open now (false while fabric8 reconnects)
 * @param watchLosses how many times its watch was seen closed after it had been open
 * @param relists lists read again after the first: after a watch the API server had expired (410 Gone)
 *     or an error
 */
public record ResourceState(String resource, boolean synced, boolean watching, long watchLosses, long relists) {}
