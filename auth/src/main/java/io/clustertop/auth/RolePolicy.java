package io.clustertop.auth;

import java.util.Set;

/**
 * Which roles a certificate's holder has. Either the certificate's own word
 * ({@link #FROM_CERTIFICATES}: its role URIs and OUs) or a policy file's ({@link PolicyFile}), never
 * both: with a policy file, what certificates say about roles is ignored, so one file says it all.
 */
public interface RolePolicy {
  /** The roles certificates carry: {@code clustertop://role/NAME} SAN URIs and OUs named for a role. */
  RolePolicy FROM_CERTIFICATES = CertificateNames::certificateRoles;

  Set<Role> rolesOf(CertificateNames names);

  /** The identity of a certificate's holder under this policy. */
  default PeerIdentity identify(CertificateNames names) {
    return new PeerIdentity(names, rolesOf(names));
  }
}
