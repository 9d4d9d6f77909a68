/**
 * Who may speak for a node: identities from verified client certificates, roles, and the one
 * table of which role may do what.
 *
 * <pre>
 * TLS handshake (mutual) -> SSLSession's peer certificate
 *   -> CertificateNames (node: SAN URI clustertop://node/NAME, else the first DNS SAN; roles: SAN URIs
 *      clustertop://role/NAME and OUs; IP SANs: the addresses its node may announce)
 *   -> RolePolicy (the certificate's roles, or a PolicyFile's) -> PeerIdentity
 *   -> AccessInterceptor: Operation (per gRPC method) allows one of its roles? else PERMISSION_DENIED,
 *      counted in AuthMetrics; allowed calls carry the PeerIdentity in their Context
 *   -> the ingest session: ClaimCheck (this identity may send for that node, announce those addresses)
 * </pre>
 *
 * <p>Without a client certificate there is no identity and nothing is checked: plaintext on
 * loopback (tests, the demo) works as it always did. {@link io.clustertop.auth.Exposure} is the rule
 * that keeps a server from listening beyond loopback that way unless told {@code --insecure}.
 * {@link io.clustertop.auth.tls.TlsFiles} holds the certificates and re-reads them when they change.
 */
package io.clustertop.auth;
