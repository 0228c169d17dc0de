/**
 * The region a request was signed for, read from its SigV4 Authorization header:
 * `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`.
 * This only reads the scope; whether the signature is valid is authentication's concern.
 */
export function signingRegion(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/.exec(authorization);
  return match?.[1];
}
